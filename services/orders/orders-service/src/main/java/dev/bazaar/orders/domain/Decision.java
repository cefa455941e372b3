package dev.bazaar.orders.domain;

import java.util.List;

/**
 * What an order decided in answer to a command or reply: the events to append and the saga commands
 * (contract records of catalog and payments) to send in the same transaction. {@code ignored} says
 * why a reply that did not fit the order's state changed nothing; such a decision may still re-send
 * a compensation.
 */
public record Decision(List<OrderEvent> events, List<Object> commands, String ignored) {

  public Decision {
    events = List.copyOf(events);
    commands = List.copyOf(commands);
  }

  static Decision of(List<OrderEvent> events, List<Object> commands) {
    return new Decision(events, commands, null);
  }

  static Decision ignore(String why) {
    return new Decision(List.of(), List.of(), why);
  }

  static Decision ignoreButSend(String why, Object command) {
    return new Decision(List.of(), List.of(command), why);
  }

  public boolean changesOrder() {
    return !events.isEmpty();
  }
}
