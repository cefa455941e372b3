package dev.bazaar.orders.domain;

import dev.bazaar.catalog.api.CommitStock;
import dev.bazaar.catalog.api.ReleaseStock;
import dev.bazaar.catalog.api.ReserveStock;
import dev.bazaar.catalog.api.StockCommitted;
import dev.bazaar.catalog.api.StockRejected;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.RefundPayment;

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

  /** One forward step: its command, replies and compensation (null: nothing to undo). */
  public enum Step {
    RESERVE_STOCK(ReserveStock.class, StockReserved.class, StockRejected.class, ReleaseStock.class),
    AUTHORIZE_PAYMENT(
        AuthorizePayment.class,
        PaymentAuthorized.class,
        PaymentDeclined.class,
        RefundPayment.class),
    COMMIT_STOCK(CommitStock.class, StockCommitted.class, StockRejected.class, null);

    public final Class<?> command;
    public final Class<?> success;
    public final Class<?> failure;
    public final Class<?> compensation;

    Step(Class<?> command, Class<?> success, Class<?> failure, Class<?> compensation) {
      this.command = command;
      this.success = success;
      this.failure = failure;
      this.compensation = compensation;
    }
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
