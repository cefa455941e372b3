package dev.bazaar.catalog.api;

/** Body of the admin's {@code PUT /api/v1/products/{id}/stock}: the available quantity. */
public record StockRequest(Integer stock) {}
