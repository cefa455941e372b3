package dev.bazaar.orders.catalog;

/** The catalog could not answer: refused or dropped connection, timeout, or a 5xx/429 answer. */
final class CatalogUnavailableException extends RuntimeException {

  CatalogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  CatalogUnavailableException(String message) {
    super(message);
  }
}
