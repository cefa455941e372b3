package dev.bazaar.chaos.check;

/**
 * One item an invariant did not hold for.
 *
 * @param invariant the invariant's name, e.g. {@code payments}
 * @param outcome lost, duplicated, unexpected or stuck
 * @param subject what it is about: an order id, a product id, a service or a queue
 * @param orderId the order to show the history of, null when the subject is not an order
 * @param message what was wrong, with the numbers
 */
public record Violation(
    String invariant, Counts.Outcome outcome, String subject, String orderId, String message) {}
