package dev.bazaar.users.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An account. The password hash never leaves the service. */
public record User(
    UUID id,
    String email,
    String name,
    String passwordHash,
    List<String> roles,
    Instant createdAt) {}
