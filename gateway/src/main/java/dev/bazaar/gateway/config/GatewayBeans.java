package dev.bazaar.gateway.config;

import dev.bazaar.gateway.correlation.RequestIds;
import dev.bazaar.gateway.correlation.TraceContext;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/** Time and randomness are beans so that tests can pin them. */
@Singleton
public class GatewayBeans {

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  RequestIds requestIds() {
    return new RequestIds(ThreadLocalRandom::current);
  }

  @Produces
  @Singleton
  TraceContext.Factory traceContexts() {
    return new TraceContext.Factory(ThreadLocalRandom::current);
  }
}
