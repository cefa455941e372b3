package dev.bazaar.catalog.api;

/** An amount in integer minor units (cents) of an ISO 4217 currency: 1250 EUR is 12.50 EUR. */
public record Money(long amount, String currency) {}
