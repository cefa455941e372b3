package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(FakeUpstreams.class)
class AccessLogTest {

  private final List<Map<String, String>> entries = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record instanceof ExtLogRecord ext) {
            entries.add(ext.getMdcCopy());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void capture() {
    Logger.getLogger("bazaar.access").addHandler(capture);
  }

  @AfterEach
  void release() {
    Logger.getLogger("bazaar.access").removeHandler(capture);
  }

  @Test
  void writesOneEntryWithAllFieldsPerProxiedRequest() throws InterruptedException {
    given()
        .header("X-Request-Id", "log-ok-1")
        .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .when()
        .get("/api/v1/users/me?secret=not-logged")
        .then()
        .statusCode(200);
    Map<String, String> entry = awaitEntry("log-ok-1");
    assertThat(entry)
        .containsEntry("method", "GET")
        .containsEntry("path", "/api/v1/users/me")
        .containsEntry("route", "users-me")
        .containsEntry("upstream", "users")
        .containsEntry("status", "200")
        .containsEntry("requestId", "log-ok-1")
        .containsEntry("traceId", "0af7651916cd43dd8448eb211c80319c")
        .containsKeys("ts", "latencyMs", "bytesOut");
    assertThat(Long.parseLong(entry.get("bytesOut"))).isPositive();
    assertThat(Long.parseLong(entry.get("latencyMs"))).isNotNegative();
    assertThat(entry.values()).noneMatch(v -> v.contains("not-logged"));
  }

  @Test
  void logsUnroutedRequestsToo() throws InterruptedException {
    given()
        .header("X-Request-Id", "log-404-1")
        .when()
        .get("/api/v1/nowhere")
        .then()
        .statusCode(404);
    Map<String, String> entry = awaitEntry("log-404-1");
    assertThat(entry).containsEntry("status", "404").doesNotContainKeys("route", "upstream");
  }

  private Map<String, String> awaitEntry(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Map<String, String> entry : entries) {
        if (requestId.equals(entry.get("requestId"))) {
          return entry;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access-log entry for " + requestId + " in " + entries);
  }
}
