package dev.bazaar.orders.api;

import java.util.List;

/** One page of the caller's orders, newest first; {@code page} counts from 0. */
public record OrderPage(List<OrderView> items, int page, int size, long total) {}
