package dev.bazaar.gateway.upstream.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import org.junit.jupiter.api.Test;

class RegistryFileTest {

  @Test
  void keepsOnlyReadyInstancesPerService() {
    String json =
        """
        {"services": {
          "catalog": [
            {"instance": "catalog-1", "url": "http://127.0.0.1:8082", "state": "ready", "pid": 1},
            {"instance": "catalog-2", "url": "http://127.0.0.1:40001", "state": "starting"},
            {"instance": "catalog-3", "url": "http://127.0.0.1:40002", "state": "ready"}
          ],
          "orders": []
        }, "writtenAt": "2026-01-01T00:00:00Z"}
        """;
    var ready = RegistryFile.readyEndpoints(json);
    assertThat(ready.get("catalog"))
        .containsExactly(
            new UpstreamEndpoint("127.0.0.1", 8082, false, ""),
            new UpstreamEndpoint("127.0.0.1", 40002, false, ""));
    assertThat(ready.get("orders")).isEmpty();
    assertThat(RegistryFile.parse(json).get("catalog").get(1).instance()).isEqualTo("catalog-2");
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> RegistryFile.parse("[1]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> RegistryFile.parse("{}")).hasMessageContaining("\"services\" object");
    assertThatThrownBy(() -> RegistryFile.parse("{\"services\":{\"a\":{}}}"))
        .hasMessageContaining("services.a must be an array");
    assertThatThrownBy(() -> RegistryFile.parse("{\"services\":{\"a\":[{\"url\":\"ftp://x\"}]}}"))
        .hasMessageContaining("services.a[0].url: upstream URL must be http or https");
  }
}
