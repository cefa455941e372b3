package dev.bazaar.users.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.time.Instant;
import java.util.UUID;

/** Published once when an account is created. */
@MessageContract(
    type = "UserRegistered",
    version = UsersContract.USER_REGISTERED_VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = UsersContract.USER_REGISTERED,
    sender = "users")
public record UserRegistered(UUID userId, String email, String name, Instant registeredAt) {}
