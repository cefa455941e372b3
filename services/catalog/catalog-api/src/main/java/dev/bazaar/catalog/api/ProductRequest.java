package dev.bazaar.catalog.api;

/**
 * Body of the admin's {@code POST /api/v1/products} and {@code PUT /api/v1/products/{id}}; {@code
 * stock} is the available quantity.
 */
public record ProductRequest(String name, String description, Money price, Integer stock) {}
