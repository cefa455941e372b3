package dev.bazaar.catalog.domain;

/**
 * Where an order's reservation stands. {@code REJECTED} records a refused ReserveStock so that a
 * repeated one is answered the same way; a {@code RELEASED} reservation without lines is the
 * tombstone a ReleaseStock leaves when it arrives before its ReserveStock.
 */
public enum ReservationState {
  RESERVED,
  COMMITTED,
  RELEASED,
  EXPIRED,
  REJECTED;

  /** True when the reservation's units are out of the available stock. */
  public boolean holdsUnits() {
    return this == RESERVED || this == COMMITTED;
  }
}
