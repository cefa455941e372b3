package dev.bazaar.catalog.api;

import java.util.List;

/** One page of a product listing; {@code page} counts from 0. */
public record ProductPage(List<ProductView> items, int page, int size, long total) {}
