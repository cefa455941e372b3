package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import io.vertx.core.http.HttpHeaders;
import jakarta.inject.Singleton;

/**
 * Refuses a request whose declared {@code Content-Length} is over the limit before any upstream is
 * contacted. Bodies without a declared length are counted while they stream (see {@link
 * ProxyForwarder}).
 */
@Singleton
public class BodyLimitFilter implements GatewayFilter {

  private final long maxBodyBytes;

  public BodyLimitFilter(GatewayConfig config) {
    this.maxBodyBytes = config.maxBodySize().asLongValue();
  }

  @Override
  public int order() {
    return ORDER_LIMITS;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    String declared = exchange.request().headers().get(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length < 0) {
        exchange.reject(
            Problem.of(
                ProblemType.BAD_REQUEST,
                "Content-Length must be a non-negative integer, but was '" + declared + "'."));
        return;
      }
      if (length > maxBodyBytes) {
        exchange.reject(tooLarge(length, maxBodyBytes));
        return;
      }
    }
    chain.proceed(exchange);
  }

  static Problem tooLarge(long length, long limit) {
    return Problem.of(
        ProblemType.PAYLOAD_TOO_LARGE,
        "The request body must be at most " + limit + " bytes, but was " + length + " bytes.");
  }

  static Problem tooLargeStreamed(long limit) {
    return Problem.of(
        ProblemType.PAYLOAD_TOO_LARGE,
        "The request body must be at most " + limit + " bytes, but was longer.");
  }
}
