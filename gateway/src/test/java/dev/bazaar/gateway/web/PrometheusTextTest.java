package dev.bazaar.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void readsNamesLabelsAndValuesAndSkipsComments() {
    List<PrometheusText.Sample> samples =
        PrometheusText.parse(
            """
            # HELP process_uptime_seconds The uptime of the Java virtual machine
            # TYPE process_uptime_seconds gauge
            process_uptime_seconds 448.572
            http_server_requests_seconds_count{method="GET",outcome="SUCCESS",status="200",uri="/api/v1/products/{id}"} 12.0
            bazaar_build_info{service="orders",version="0.1.0-SNAPSHOT"} 1.0
            le_bucket{le="+Inf"} 3.0
            odd{label="a \\"quoted\\" value"} 2
            not a sample
            """);
    assertThat(samples)
        .containsExactly(
            new PrometheusText.Sample("process_uptime_seconds", Map.of(), 448.572),
            new PrometheusText.Sample(
                "http_server_requests_seconds_count",
                Map.of(
                    "method",
                    "GET",
                    "outcome",
                    "SUCCESS",
                    "status",
                    "200",
                    "uri",
                    "/api/v1/products/{id}"),
                12.0),
            new PrometheusText.Sample(
                "bazaar_build_info", Map.of("service", "orders", "version", "0.1.0-SNAPSHOT"), 1.0),
            new PrometheusText.Sample("le_bucket", Map.of("le", "+Inf"), 3.0),
            new PrometheusText.Sample("odd", Map.of("label", "a \"quoted\" value"), 2.0));
  }
}
