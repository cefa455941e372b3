package dev.bazaar.launcher.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Which bindings the guard keeps: exactly what the broker access table lets a queue's owner bind.
 */
class BindingGuardTest {

  @Test
  void aServiceBindsItsQueueWithEveryKeyItsPrefixPatternCovers() {
    // catalog binds its commands one by one; the table says catalog.*
    for (String command : List.of("ReserveStock", "CommitStock", "ReleaseStock")) {
      assertThat(BindingGuard.allowed("bazaar.commands", "catalog.commands", "catalog." + command))
          .as(command)
          .isTrue();
    }
    assertThat(
            BindingGuard.allowed("bazaar.commands", "payments.commands", "payments.RefundPayment"))
        .isTrue();
    assertThat(BindingGuard.allowed("bazaar.events", "orders.replies", "catalog.StockReserved"))
        .isTrue();
  }

  @Test
  void bindingsOutsideTheTableAreRemoved() {
    // another service's commands, or an exact-key row widened by a prefix
    assertThat(
            BindingGuard.allowed("bazaar.commands", "catalog.commands", "payments.RefundPayment"))
        .isFalse();
    assertThat(
            BindingGuard.allowed("bazaar.commands", "catalog.commands", "catalogue.ReserveStock"))
        .isFalse();
    assertThat(BindingGuard.allowed("bazaar.events", "orders.replies", "catalog.#")).isFalse();
    assertThat(BindingGuard.allowed("bazaar.events", "orders.replies", "catalog.ReserveStock"))
        .isFalse();
    assertThat(BindingGuard.allowed("bazaar.events", "catalog.commands", "catalog.ReserveStock"))
        .as("right key, wrong exchange")
        .isFalse();
    assertThat(BindingGuard.allowed("bazaar.commands", "catalog.commands.parked", "catalog.X"))
        .as("a parking queue is never bound")
        .isFalse();
  }

  @Test
  void thePatternMeaningIsTheOneTheQpidAclRulesUse() {
    for (String pattern : List.of("catalog.*", "catalog.StockReserved", "users.*")) {
      Pattern regex = Pattern.compile(BrokerAccess.keys(List.of(pattern)));
      for (String key :
          List.of(
              "catalog.StockReserved",
              "catalog.ReserveStock",
              "catalog.",
              "catalog.*",
              "catalogue.X",
              "users.UserRegistered",
              "orders.OrderPlaced")) {
        assertThat(BrokerAccess.covers(pattern, key))
            .as(pattern + " vs " + key)
            .isEqualTo(regex.matcher(key).matches());
      }
    }
  }
}
