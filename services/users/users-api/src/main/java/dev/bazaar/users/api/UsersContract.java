package dev.bazaar.users.api;

import java.util.List;

/** Broker names of the users service. */
public final class UsersContract {

  /** Routing key of {@link UserRegistered} on the {@code bazaar.events} exchange. */
  public static final String USER_REGISTERED = "users.UserRegistered";

  /** Message type of {@link UserRegistered}. */
  public static final String USER_REGISTERED_TYPE = "UserRegistered";

  public static final int USER_REGISTERED_VERSION = 1;

  /** Every message record of this contract. */
  public static final List<Class<?>> MESSAGES = List.of(UserRegistered.class);

  private UsersContract() {}
}
