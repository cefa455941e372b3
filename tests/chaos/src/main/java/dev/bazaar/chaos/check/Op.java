package dev.bazaar.chaos.check;

/**
 * One entry of the history a client keeps, as Jepsen keeps one: an {@code invoke} when a request
 * leaves, then exactly one completion for it.
 *
 * <ul>
 *   <li>{@code ok}: the system answered with success (202 for a placed order),
 *   <li>{@code fail}: the system answered with a definite refusal (a 4xx): nothing was done,
 *   <li>{@code info}: the outcome is unknown (timeout, broken connection, 5xx): the request may or
 *       may not have taken effect, which is why the client retries with the same key.
 * </ul>
 *
 * @param index position in the history, in the order the harness recorded the entries
 * @param atMillis milliseconds since the run started
 * @param client the client (worker) that sent the request
 * @param f what the request does: {@code place}, {@code cancel}, {@code final} (the client saw the
 *     order final) or {@code setup}
 * @param type {@code invoke}, {@code ok}, {@code fail} or {@code info}
 * @param customerId the customer the request was sent as
 * @param key the {@code Idempotency-Key} (for {@code place}), else null
 * @param orderId the order the answer named, or the request was about; null when unknown
 * @param status the HTTP status, 0 when there was no answer
 * @param note the answer's order status, an error message, or other detail
 */
public record Op(
    long index,
    long atMillis,
    String client,
    String f,
    String type,
    String customerId,
    String key,
    String orderId,
    int status,
    String note) {

  public boolean isOk() {
    return type.equals("ok");
  }
}
