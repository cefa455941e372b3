package dev.bazaar.payments.domain;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.payments.api.PaymentTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The simulated card provider, driven by the test tokens of {@link PaymentTokens}: {@code tok_ok}
 * authorizes, {@code tok_declined} declines, {@code tok_slow} answers (authorizes) {@code
 * slowDelay} later, {@code tok_error} fails transiently on its first {@code errorFailures} calls
 * for an order and then authorizes; any other token is declined. Pure: the time comes from the
 * clock it is given, the call count from the caller.
 */
public final class SimulatedProvider {

  public static final String CARD_DECLINED = "card declined by the provider";
  static final int MAX_TOKEN_ECHO = 40;
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final Clock clock;
  private final Duration slowDelay;
  private final int errorFailures;

  public SimulatedProvider(Clock clock, Duration slowDelay, int errorFailures) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (slowDelay == null || slowDelay.isNegative()) {
      throw new IllegalArgumentException("slow delay must be zero or more, but was " + slowDelay);
    }
    if (errorFailures < 0) {
      throw new IllegalArgumentException(
          "error failures must be zero or more, but was " + errorFailures);
    }
    this.slowDelay = slowDelay;
    this.errorFailures = errorFailures;
  }

  /**
   * Whether the provider remembers calls for this token: only {@code tok_error}, whose answer
   * depends on how often it was called for the order.
   */
  public static boolean countsCalls(String token) {
    return PaymentTokens.ERROR.equals(token);
  }

  /**
   * Answers the {@code call}-th authorization request for an order (1 for the first).
   *
   * @throws ProviderUnavailableException for {@code tok_error} while {@code call <= errorFailures}
   */
  public ProviderDecision authorize(String token, Money amount, int call) {
    String invalid = invalidAmount(amount);
    if (invalid != null) {
      return new ProviderDecision.Decline(invalid);
    }
    if (token == null || token.isBlank()) {
      return new ProviderDecision.Decline("no payment token given");
    }
    return switch (token) {
      case PaymentTokens.OK -> new ProviderDecision.Authorize();
      case PaymentTokens.DECLINED -> new ProviderDecision.Decline(CARD_DECLINED);
      case PaymentTokens.SLOW -> new ProviderDecision.Pending(clock.instant().plus(slowDelay));
      case PaymentTokens.ERROR -> {
        if (call <= errorFailures) {
          throw new ProviderUnavailableException(
              "provider unavailable for "
                  + PaymentTokens.ERROR
                  + " (call "
                  + call
                  + "; the first "
                  + errorFailures
                  + " fail)");
        }
        yield new ProviderDecision.Authorize();
      }
      default -> new ProviderDecision.Decline("unknown payment token '" + echo(token) + "'");
    };
  }

  private static String invalidAmount(Money amount) {
    if (amount == null) {
      return "no amount given";
    }
    if (amount.amount() <= 0) {
      return "amount must be positive, but was " + amount.amount();
    }
    if (amount.currency() == null || !CURRENCY.matcher(amount.currency()).matches()) {
      return "currency must be three capital letters, but was '" + amount.currency() + "'";
    }
    return null;
  }

  /** The token as written in a reason: bounded, so a huge token does not end up in every reply. */
  private static String echo(String token) {
    return token.length() <= MAX_TOKEN_ECHO ? token : token.substring(0, MAX_TOKEN_ECHO) + "...";
  }
}
