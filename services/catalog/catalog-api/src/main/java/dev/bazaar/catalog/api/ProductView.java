package dev.bazaar.catalog.api;

import java.util.UUID;

/** A product as the catalog API returns it; {@code stock} is the quantity on hand. */
public record ProductView(UUID id, String name, String description, Money price, int stock) {}
