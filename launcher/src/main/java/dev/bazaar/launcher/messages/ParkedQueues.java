package dev.bazaar.launcher.messages;

import java.util.List;

/**
 * The consumer queues of the system, whose poison messages wait on {@code <queue>.parked}. The
 * header names are the chassis' ({@code dev.bazaar.chassis.messaging.Envelope}); the launcher does
 * not depend on the chassis, and {@code ParkedMessagesIT} parks through the real chassis consumer,
 * so a rename there fails that test.
 */
public final class ParkedQueues {

  /** Every queue a service consumes from; add a new consumer queue here. */
  public static final List<String> KNOWN =
      List.of("notifications.events", "catalog.commands", "payments.commands", "orders.replies");

  public static final String PARKED_SUFFIX = ".parked";
  public static final String HEADER_ATTEMPTS = "x-bazaar-attempts";
  public static final String HEADER_ERROR = "x-bazaar-error";
  public static final String HEADER_ORIGINAL_QUEUE = "x-bazaar-original-queue";
  public static final String HEADER_PARKED_AT = "x-bazaar-parked-at";

  private ParkedQueues() {}

  public static String parked(String queue) {
    return queue + PARKED_SUFFIX;
  }
}
