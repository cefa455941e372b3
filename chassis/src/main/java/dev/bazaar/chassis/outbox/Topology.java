package dev.bazaar.chassis.outbox;

/** Broker names shared by every service (DESIGN.md, messaging rules). */
public final class Topology {

  /** The one topic exchange all domain events are published to. */
  public static final String EVENTS_EXCHANGE = "bazaar.events";

  /**
   * The topic exchange point-to-point commands are sent to; each participant binds its one commands
   * queue with {@code <service>.*}.
   */
  public static final String COMMANDS_EXCHANGE = "bazaar.commands";

  /** Suffix of the queue a consumer parks messages on after too many failed attempts. */
  public static final String PARKED_SUFFIX = ".parked";

  private Topology() {}
}
