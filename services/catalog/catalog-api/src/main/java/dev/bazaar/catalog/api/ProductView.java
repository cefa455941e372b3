package dev.bazaar.catalog.api;

import java.util.UUID;

/** A product as the catalog API returns it. */
public record ProductView(UUID id, String name, String description, Money price) {}
