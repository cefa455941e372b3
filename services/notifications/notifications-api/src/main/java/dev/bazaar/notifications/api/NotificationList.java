package dev.bazaar.notifications.api;

import java.util.List;

/**
 * Body of {@code GET /api/v1/notifications}: one page of the caller's notifications, newest first;
 * {@code page} counts from 0 and {@code total} counts them all (the paging of every list).
 */
public record NotificationList(List<NotificationView> items, int page, int size, long total) {}
