package dev.bazaar.catalog.support;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock shifted by an offset tests can move, replacing the service's default clock in
 * every {@code @QuarkusTest} of this module. Tests that move it put it back in {@code @AfterEach}.
 */
public final class TestClock extends Clock {

  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /** The producer that wins over the service's {@code @DefaultBean} clock. */
  public static class Producer {
    @Produces
    @Singleton
    TestClock clock() {
      return new TestClock();
    }
  }

  public void advance(Duration by) {
    offset.updateAndGet(o -> o.plus(by));
  }

  public void reset() {
    offset.set(Duration.ZERO);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is UTC only");
  }
}
