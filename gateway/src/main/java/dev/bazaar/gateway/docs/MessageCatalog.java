package dev.bazaar.gateway.docs;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageDescriptor;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.users.api.UsersContract;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every message Bazaar sends over the broker and every queue that receives them, taken from the
 * contract modules' records and constants ({@code *-api}). {@code MessageCatalogTest} checks this
 * list against the records and routing keys those modules declare, so a message added there and not
 * here fails the build.
 */
public final class MessageCatalog {

  public static final String EVENTS = Exchanges.EVENTS;
  public static final String COMMANDS = Exchanges.COMMANDS;
  public static final String PARKED_SUFFIX = ".parked";

  /** One message type: who sends it, where, and the record that is its payload. */
  public record Message(
      String type,
      int version,
      String exchange,
      String routingKey,
      String sender,
      Class<? extends Record> payload,
      String summary) {}

  /** A durable queue, its consumer and the bindings that fill it. */
  public record Queue(String name, String consumer, String exchange, List<String> bindingKeys) {

    /** Whether a message published with {@code routingKey} on {@code exchange} lands here. */
    public boolean receives(String onExchange, String routingKey) {
      return exchange.equals(onExchange)
          && bindingKeys.stream().anyMatch(pattern -> topicMatches(pattern, routingKey));
    }
  }

  /** What each message means, for readers of the AsyncAPI document (by message type). */
  static final Map<String, String> SUMMARIES =
      Map.ofEntries(
          Map.entry("UserRegistered", "A customer account was created."),
          Map.entry("ReserveStock", "Saga step 1: hold the units of an order."),
          Map.entry("ReleaseStock", "Compensation: give an order's held units back."),
          Map.entry("CommitStock", "Saga step 3: the held units are sold."),
          Map.entry("StockReserved", "Every line of the order is held."),
          Map.entry(
              "StockRejected",
              "The stock could not be held (or a commit found the reservation gone)."),
          Map.entry("StockReleased", "The held units are back in stock."),
          Map.entry("StockCommitted", "The held units are sold."),
          Map.entry(
              "AuthorizePayment", "Saga step 2: charge the order's total to the payment token."),
          Map.entry("RefundPayment", "Compensation: give an authorized payment back."),
          Map.entry("PaymentAuthorized", "The amount was authorized."),
          Map.entry("PaymentDeclined", "The payment was declined."),
          Map.entry("PaymentRefunded", "An authorized payment was refunded."),
          Map.entry("OrderPlaced", "An order was accepted (PENDING)."),
          Map.entry("OrderConfirmed", "An order's saga ended well."),
          Map.entry("OrderCancelled", "An order was cancelled (with its reason)."));

  /**
   * Every message record the contract modules list ({@code XxxContract.MESSAGES}), described by its
   * {@code @MessageContract}.
   */
  public static final List<Message> MESSAGES =
      Stream.of(
              UsersContract.MESSAGES,
              CatalogContract.MESSAGES,
              PaymentsContract.MESSAGES,
              OrdersContract.MESSAGES)
          .flatMap(List::stream)
          .map(MessageCatalog::message)
          .toList();

  public static final List<Queue> QUEUES =
      List.of(
          new Queue(
              CatalogContract.COMMANDS_QUEUE,
              "catalog",
              COMMANDS,
              List.of(CatalogContract.COMMANDS_BINDING)),
          new Queue(
              PaymentsContract.COMMANDS_QUEUE,
              "payments",
              COMMANDS,
              List.of(PaymentsContract.COMMANDS_BINDING)),
          new Queue(
              OrdersContract.REPLIES_QUEUE,
              "orders",
              EVENTS,
              List.of(
                  CatalogContract.STOCK_RESERVED,
                  CatalogContract.STOCK_REJECTED,
                  CatalogContract.STOCK_RELEASED,
                  CatalogContract.STOCK_COMMITTED,
                  PaymentsContract.PAYMENT_AUTHORIZED,
                  PaymentsContract.PAYMENT_DECLINED,
                  PaymentsContract.PAYMENT_REFUNDED)),
          new Queue(
              "notifications.events",
              "notifications",
              EVENTS,
              List.of(
                  UsersContract.USER_REGISTERED,
                  OrdersContract.ORDER_PLACED,
                  OrdersContract.ORDER_CONFIRMED,
                  OrdersContract.ORDER_CANCELLED)));

  private MessageCatalog() {}

  @SuppressWarnings("unchecked")
  private static Message message(Class<?> record) {
    MessageDescriptor d = MessageDescriptor.of(record);
    String summary = SUMMARIES.get(d.type());
    if (summary == null) {
      throw new IllegalStateException("no summary for message " + d.type() + " in MessageCatalog");
    }
    return new Message(
        d.type(),
        d.version(),
        d.exchange(),
        d.routingKey(),
        d.sender(),
        (Class<? extends Record>) record,
        summary);
  }

  /** AMQP topic matching: {@code *} is one word, {@code #} zero or more. */
  static boolean topicMatches(String pattern, String key) {
    return matches(pattern.split("\\."), 0, key.split("\\."), 0);
  }

  private static boolean matches(String[] p, int i, String[] k, int j) {
    if (i == p.length) {
      return j == k.length;
    }
    if (p[i].equals("#")) {
      for (int skip = j; skip <= k.length; skip++) {
        if (matches(p, i + 1, k, skip)) {
          return true;
        }
      }
      return false;
    }
    return j < k.length && (p[i].equals("*") || p[i].equals(k[j])) && matches(p, i + 1, k, j + 1);
  }
}
