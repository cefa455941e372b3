package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SecuredUpstreams.class)
class RateLimitGatewayTest {

  private static final int N = SecuredUpstreams.TINY_CAPACITY;

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;
  @InjectTestIssuer TestIssuer issuer;

  @BeforeEach
  void signingKeysLoaded() {
    SecuredUpstreams.awaitSigningKeys(issuer);
  }

  @TestHTTPResource("/")
  URI base;

  @Test
  void capacityRequestsPassAndTheNextGets429WithTheHeaders() {
    String user = UUID.randomUUID().toString();
    String token = issuer.token(user).sign();
    for (int i = 1; i <= N; i++) {
      as(token)
          .get("/api/v1/limited")
          .then()
          .statusCode(200)
          .header("RateLimit-Policy", "\"tiny\";q=3;w=3600")
          .header("RateLimit", matchesPattern("\"tiny\";r=" + (N - i) + ";t=\\d+"));
    }
    String marker = UUID.randomUUID().toString();
    as(token)
        .header(FakeUpstreams.MARKER, marker)
        .get("/api/v1/limited")
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/too-many-requests"))
        .body("status", equalTo(429))
        // 3 per hour refill one every 20 minutes.
        .header("Retry-After", matchesPattern("1[12]\\d\\d"))
        .header("RateLimit-Policy", "\"tiny\";q=3;w=3600")
        .header("RateLimit", matchesPattern("\"tiny\";r=0;t=3[56]\\d\\d"));
    assertThat(upstreams.heads(marker)).isEmpty();
    assertThat(
            given()
                .header("Authorization", "Bearer " + issuer.token("ops", "admin").sign())
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .containsPattern("bazaar_gateway_ratelimit_rejections_total\\{route=\"limited\"\\} [1-9]");

    // Another user has a bucket of their own on the same route.
    as(issuer.token(UUID.randomUUID().toString()).sign())
        .get("/api/v1/limited")
        .then()
        .statusCode(200);
  }

  @Test
  void ipKeyedPolicyCountsEveryoneFromOneAddressTogether() throws Exception {
    Client client = Client.fromUniqueLoopbackAddress(base);
    for (int i = 1; i <= N; i++) {
      // A different user each time: still one bucket, the address's.
      assertThat(client.send("GET", "/api/v1/limited-ip", issuer.token(uuid()).sign()).statusCode())
          .isEqualTo(200);
    }
    HttpResponse<String> limited = client.send("GET", "/api/v1/limited-ip", null);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(v).matches("1[12]\\d\\d"));
    // Another address has its own bucket.
    assertThat(
            Client.fromUniqueLoopbackAddress(base)
                .send("GET", "/api/v1/limited-ip", null)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void loginIsLimitedToThreeHundredPerMinutePerAddress() throws Exception {
    // The shipped policy: generous for tests and demos that log in dozens of times from one
    // address, still a hard cap on password guessing.
    Client client = Client.fromUniqueLoopbackAddress(base);
    long start = System.nanoTime();
    int passed = 0;
    HttpResponse<String> limited = null;
    while (limited == null && passed < 1000) {
      HttpResponse<String> response =
          client.send(
              "POST", "/api/v1/auth/token", passed % 2 == 0 ? issuer.token(uuid()).sign() : null);
      if (response.statusCode() == 429) {
        limited = response;
        break;
      }
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("RateLimit-Policy"))
          .hasValue("\"login\";q=300;w=60");
      passed++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // A burst of 300, plus the tokens that refilled meanwhile (one every 200 ms): a slow machine
    // sends the burst over several seconds.
    assertThat(limited).isNotNull();
    assertThat(passed).isBetween(300, 300 + (int) Math.ceil(seconds * 5) + 1);
    assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(limited.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(v).matches("[12]"));
    assertThat(limited.headers().firstValue("RateLimit"))
        .hasValueSatisfying(v -> assertThat(v).matches("\"login\";r=0;t=(59|60)"));
  }

  /** Requests from a loopback address of their own, so that IP-keyed buckets start full. */
  record Client(HttpClient http, URI base) {

    static Client fromUniqueLoopbackAddress(URI base) throws Exception {
      var random = java.util.concurrent.ThreadLocalRandom.current();
      InetAddress local =
          InetAddress.getByAddress(
              new byte[] {
                127,
                (byte) random.nextInt(1, 255),
                (byte) random.nextInt(0, 256),
                (byte) random.nextInt(1, 255)
              });
      // An IPv4 target, to match the IPv4 source address.
      URI target = URI.create("http://127.0.0.1:" + base.getPort() + "/");
      return new Client(HttpClient.newBuilder().localAddress(local).build(), target);
    }

    HttpResponse<String> send(String method, String path, String token) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(path))
              .method(method, HttpRequest.BodyPublishers.noBody());
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  @Test
  void everyApiRouteHasTheDefaultPolicy() {
    given()
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .header("RateLimit-Policy", "\"default\";q=1000;w=10");
  }

  private static RequestSpecification as(String token) {
    return given().header("Authorization", "Bearer " + token);
  }
}
