package dev.bazaar.testing.contract;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes every {@code @QuarkusTest} of a module that depends on {@code bazaar-testing} check each
 * RestAssured response against the OpenAPI document the application under test serves at {@code
 * /q/openapi}. An application without one (the gateway) is not checked this way. A test class can
 * opt out with {@link UncheckedContract} (for tests that answer through fakes, not the service).
 */
public class ContractCallback implements QuarkusTestBeforeEachCallback {

  /** Document per test port: a {@code @TestProfile} restart may move the application. */
  private static final Map<Integer, Holder> DOCUMENTS = new ConcurrentHashMap<>();

  private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

  private static final ContractFilter FILTER =
      new ContractFilter(
          () -> {
            if (!ENABLED.get()) {
              return null;
            }
            return DOCUMENTS.computeIfAbsent(RestAssured.port, ContractCallback::load).contract;
          });

  @Override
  public void beforeEach(QuarkusTestMethodContext context) {
    Class<?> testClass = context.getTestInstance().getClass();
    ENABLED.set(!testClass.isAnnotationPresent(UncheckedContract.class));
    if (!RestAssured.filters().contains(FILTER)) {
      RestAssured.filters(FILTER);
    }
  }

  private static Holder load(int port) {
    String text =
        OpenApiContract.fetchText(
            URI.create("http://localhost:" + port + "/q/openapi?format=json"));
    return new Holder(text == null ? null : OpenApiContract.of(text));
  }

  private record Holder(OpenApiContract contract) {}
}
