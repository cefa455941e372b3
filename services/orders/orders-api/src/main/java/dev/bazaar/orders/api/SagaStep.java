package dev.bazaar.orders.api;

import java.time.Instant;

/**
 * One entry of an order's saga history, e.g. {@code (RESERVE_STOCK, SUCCEEDED, ...)}: {@code step}
 * is the saga step or compensation, {@code outcome} what happened to it.
 */
public record SagaStep(String step, String outcome, Instant at) {}
