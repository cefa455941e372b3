package dev.bazaar.payments.domain;

import java.time.Instant;
import java.util.Objects;

/** What the card provider answered to an authorization request. */
public sealed interface ProviderDecision {

  /** The card is charged. */
  record Authorize() implements ProviderDecision {}

  /** The card is not charged, for {@code reason}. */
  record Decline(String reason) implements ProviderDecision {
    public Decline {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The provider answers at {@code decideAt}; until then the payment is pending. */
  record Pending(Instant decideAt) implements ProviderDecision {
    public Pending {
      Objects.requireNonNull(decideAt, "decideAt");
    }
  }
}
