package dev.bazaar.catalog.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An order's reservation as recorded: its state, the deadline while {@code RESERVED}, the units it
 * holds or held ({@code lines}, empty for a tombstone or a rejection), and for {@code REJECTED} the
 * reason and products of the refusal.
 */
public record Reservation(
    UUID orderId,
    ReservationState state,
    Instant expiresAt,
    List<StockDemand.Line> lines,
    String rejectReason,
    List<UUID> rejectProductIds) {

  public Reservation {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(state, "state");
    lines = lines == null ? List.of() : List.copyOf(lines);
    rejectProductIds = rejectProductIds == null ? List.of() : List.copyOf(rejectProductIds);
  }

  /** The units as a demand, or null when the reservation never held any. */
  public StockDemand demand() {
    return lines.isEmpty() ? null : StockDemand.of(lines);
  }

  public List<UUID> productIds() {
    return lines.stream().map(StockDemand.Line::productId).toList();
  }
}
