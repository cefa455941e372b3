package dev.bazaar.users.api;

import java.time.Instant;
import java.util.UUID;

/** Published once when an account is created. */
public record UserRegistered(UUID userId, String email, String name, Instant registeredAt) {}
