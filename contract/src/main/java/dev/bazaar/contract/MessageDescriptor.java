package dev.bazaar.contract;

/** What {@link MessageContract} declares for one record class. */
public record MessageDescriptor(
    Class<?> record, String type, int version, String exchange, String routingKey, String sender) {

  /** The descriptor of {@code record}. */
  public static MessageDescriptor of(Class<?> record) {
    return CACHE.get(record);
  }

  /** True for a command (sent to one participant), false for an event. */
  public boolean isCommand() {
    return Exchanges.COMMANDS.equals(exchange);
  }

  private static final ClassValue<MessageDescriptor> CACHE =
      new ClassValue<>() {
        @Override
        protected MessageDescriptor computeValue(Class<?> type) {
          MessageContract c = type.getAnnotation(MessageContract.class);
          if (c == null) {
            throw new IllegalArgumentException(
                type.getName() + " is not a message: it has no @MessageContract");
          }
          if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " must be a record");
          }
          if (!Exchanges.EVENTS.equals(c.exchange()) && !Exchanges.COMMANDS.equals(c.exchange())) {
            throw new IllegalArgumentException(
                type.getName() + " names an unknown exchange " + c.exchange());
          }
          if (c.version() < 1 || c.type().isBlank() || c.routingKey().isBlank()) {
            throw new IllegalArgumentException(
                type.getName() + " needs a type, a routing key and a version >= 1");
          }
          return new MessageDescriptor(
              type, c.type(), c.version(), c.exchange(), c.routingKey(), c.sender());
        }
      };
}
