package dev.bazaar.notifications.domain;

/** What a notification is about. */
public enum Kind {
  /** A new account was created. */
  WELCOME,
  /** An order was accepted and is being processed. */
  ORDER_RECEIVED,
  /** An order's saga completed: stock committed and payment authorized. */
  ORDER_CONFIRMED,
  /** An order ended cancelled; the text says why. */
  ORDER_CANCELLED
}
