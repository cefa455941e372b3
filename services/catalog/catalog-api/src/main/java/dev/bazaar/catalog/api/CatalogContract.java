package dev.bazaar.catalog.api;

import java.util.List;

/**
 * Broker names of the catalog service. Commands arrive on {@link #COMMANDS_QUEUE}, bound to the
 * {@code bazaar.commands} exchange with {@code catalog.*}; replies are events on {@code
 * bazaar.events}. Message type = the record's simple name; routing key = {@code catalog.<type>}.
 */
public final class CatalogContract {

  /** The queue catalog consumes its commands from. */
  public static final String COMMANDS_QUEUE = "catalog.commands";

  /** Binding of {@link #COMMANDS_QUEUE} on the commands exchange. */
  public static final String COMMANDS_BINDING = "catalog.*";

  public static final String RESERVE_STOCK = "catalog.ReserveStock";
  public static final String RELEASE_STOCK = "catalog.ReleaseStock";
  public static final String COMMIT_STOCK = "catalog.CommitStock";

  public static final String STOCK_RESERVED = "catalog.StockReserved";
  public static final String STOCK_REJECTED = "catalog.StockRejected";
  public static final String STOCK_RELEASED = "catalog.StockReleased";
  public static final String STOCK_COMMITTED = "catalog.StockCommitted";

  /** Schema version of every catalog message above. */
  public static final int VERSION = 1;

  /** {@link StockRejected#reason()}: at least one product has fewer units available than asked. */
  public static final String REASON_OUT_OF_STOCK = "OUT_OF_STOCK";

  /** {@link StockRejected#reason()}: a product id is not in the catalog. */
  public static final String REASON_UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT";

  /**
   * {@link StockRejected#reason()} in reply to {@link CommitStock}: the reservation expired (or was
   * released) and its units could not be taken again.
   */
  public static final String REASON_RESERVATION_EXPIRED = "RESERVATION_EXPIRED";

  /** Message type (routing key without the service prefix). */
  public static String type(String routingKey) {
    return routingKey.substring(routingKey.indexOf('.') + 1);
  }

  /** Every message record of this contract. */
  public static final List<Class<?>> MESSAGES =
      List.of(
          ReserveStock.class,
          ReleaseStock.class,
          CommitStock.class,
          StockReserved.class,
          StockRejected.class,
          StockReleased.class,
          StockCommitted.class);

  private CatalogContract() {}
}
