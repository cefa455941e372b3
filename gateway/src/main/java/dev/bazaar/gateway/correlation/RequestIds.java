package dev.bazaar.gateway.correlation;

import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** Accepts a sane incoming {@code X-Request-Id} or makes a new random UUID. */
public final class RequestIds {

  public static final String HEADER = "X-Request-Id";

  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Supplier<RandomGenerator> random;

  public RequestIds(Supplier<RandomGenerator> random) {
    this.random = random;
  }

  /** Whether an incoming id may be passed on: 1-128 characters of {@code [A-Za-z0-9._-]}. */
  public static boolean isSane(String id) {
    return id != null && SANE.matcher(id).matches();
  }

  /** The incoming id when it is sane, otherwise a fresh one. */
  public String continueOrCreate(String incoming) {
    return isSane(incoming) ? incoming : create();
  }

  /** A random (version 4) UUID. */
  public String create() {
    RandomGenerator r = random.get();
    long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
