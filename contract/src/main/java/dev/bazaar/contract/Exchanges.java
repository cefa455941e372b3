package dev.bazaar.contract;

/** The two exchanges of Bazaar's topology (DESIGN.md, messaging rules). */
public final class Exchanges {

  /** Topic exchange of domain events: every subscriber binds its own queue. */
  public static final String EVENTS = "bazaar.events";

  /** Topic exchange of point-to-point commands: each participant binds {@code <service>.*}. */
  public static final String COMMANDS = "bazaar.commands";

  private Exchanges() {}
}
