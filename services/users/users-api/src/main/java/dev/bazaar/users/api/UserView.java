package dev.bazaar.users.api;

import java.util.UUID;

/** A user's public profile as the API returns it. */
public record UserView(UUID id, String email, String name) {}
