package dev.bazaar.orders.domain;

/**
 * The order saga as a step table (docs/saga.md). {@link Order} follows it: each step's command is
 * sent when the previous step succeeded, its failure reply or a missed deadline starts the
 * compensations of the steps already reached, and the order is cancelled only once every
 * compensation was acknowledged.
 *
 * <pre>
 * step              | command -> participant      | success         | failure                                   | compensation
 * RESERVE_STOCK     | ReserveStock -> catalog     | StockReserved   | StockRejected -> CANCELLED OUT_OF_STOCK    | ReleaseStock
 * AUTHORIZE_PAYMENT | AuthorizePayment -> payments| PaymentAuthorized| PaymentDeclined -> ReleaseStock,          | RefundPayment
 *                   |                             |                 |   CANCELLED PAYMENT_DECLINED              |
 * COMMIT_STOCK      | CommitStock -> catalog      | StockCommitted  | StockRejected(RESERVATION_EXPIRED) ->     | -
 *                   |                             |   -> CONFIRMED  |   RefundPayment, CANCELLED TIMED_OUT      |
 * </pre>
 */
public final class OrderSaga {

  /**
   * The forward steps, in order. {@link Order} implements the table above: each reply method is one
   * row's success or failure column, and {@code compensate} sends the compensation column of every
   * step reached.
   */
  public enum Step {
    RESERVE_STOCK,
    AUTHORIZE_PAYMENT,
    COMMIT_STOCK
  }

  /** Names of the compensations and the customer's cancel in an order's step history. */
  public static final String RELEASE_STOCK = "RELEASE_STOCK";

  public static final String REFUND_PAYMENT = "REFUND_PAYMENT";
  public static final String CANCEL = "CANCEL";

  /** Outcomes in an order's step history. */
  public static final String STARTED = "STARTED";

  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String TIMED_OUT = "TIMED_OUT";
  public static final String RETRIED = "RETRIED";
  public static final String REQUESTED = "REQUESTED";

  private OrderSaga() {}
}
