package dev.bazaar.notifications.api;

import java.util.List;

/** Body of {@code GET /api/v1/notifications}: the caller's notifications, newest first. */
public record NotificationList(List<NotificationView> items) {}
