package dev.bazaar.notifications.domain;

import java.util.Objects;
import java.util.UUID;

/**
 * A message for one user, made from exactly one event ({@code sourceMessageId}). {@code orderId} is
 * set only for order notifications.
 */
public record Notification(
    UUID id, UUID userId, Kind kind, String message, UUID orderId, UUID sourceMessageId) {

  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(sourceMessageId, "sourceMessageId");
  }
}
