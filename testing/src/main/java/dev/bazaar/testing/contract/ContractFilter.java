package dev.bazaar.testing.contract;

import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A RestAssured filter that checks every response against the OpenAPI document (see {@link
 * OpenApiContract}); a response that breaks it fails the test with an {@link AssertionError}.
 * Installed for every {@code @QuarkusTest} of a service by {@link ContractCallback}.
 */
public final class ContractFilter implements OrderedFilter {

  private final Supplier<OpenApiContract> contract;

  /** {@code contract} is asked per response; it may answer null to skip checking. */
  public ContractFilter(Supplier<OpenApiContract> contract) {
    this.contract = contract;
  }

  @Override
  public Response filter(
      FilterableRequestSpecification request,
      FilterableResponseSpecification responseSpec,
      FilterContext context) {
    Response response = context.next(request, responseSpec);
    OpenApiContract current = contract.get();
    if (current != null) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (Header h : response.getHeaders()) {
        headers.computeIfAbsent(h.getName(), k -> new java.util.ArrayList<>()).add(h.getValue());
      }
      current.check(
          request.getMethod(),
          URI.create(request.getURI()).getRawPath(),
          response.getStatusCode(),
          headers,
          response.asString());
    }
    return response;
  }

  /** Last, so that it sees what the test sees. */
  @Override
  public int getOrder() {
    return OrderedFilter.LOWEST_PRECEDENCE;
  }
}
