package dev.bazaar.notifications.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A message for one user. {@code kind} is {@code WELCOME} or {@code ORDER_RECEIVED}; {@code
 * orderId} is set for order notifications.
 */
public record NotificationView(
    UUID id, String kind, String message, UUID orderId, Instant createdAt) {}
