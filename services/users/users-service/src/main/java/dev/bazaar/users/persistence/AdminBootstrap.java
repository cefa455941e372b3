package dev.bazaar.users.persistence;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.users.api.UserRegistered;
import dev.bazaar.users.api.UsersResource;
import dev.bazaar.users.config.UsersConfig;
import dev.bazaar.users.domain.AdminAccount;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Creates or updates the administrator account at start when {@code bazaar.users.admin-password} is
 * set. Safe when several instances start at once: the insert is {@code ON CONFLICT DO NOTHING} on
 * the case-insensitive email key, and the check-and-update that follows holds the row lock.
 */
@ApplicationScoped
public class AdminBootstrap {

  private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

  /** What {@link #ensure} did. */
  public enum Outcome {
    CREATED,
    /** The account existed with another password (or without the admin role); it was reset. */
    UPDATED,
    UNCHANGED
  }

  @Inject DataSource dataSource;
  @Inject UsersConfig config;
  @Inject UsersResource.PasswordHashers hashers;
  @Inject Messaging messaging;

  private final Clock clock = Clock.systemUTC();

  // After the chassis' Messaging (priority 10): the outbox relay publishes what this writes.
  void onStart(@Observes @Priority(20) StartupEvent event) {
    if (config.adminPassword().isEmpty()) {
      LOG.info("no administrator password configured (BAZAAR_ADMIN_PASSWORD): no admin account");
      return;
    }
    Outcome outcome = ensure(config.adminPassword().get());
    LOG.infof("administrator account %s: %s", AdminAccount.EMAIL, outcome);
  }

  /**
   * Makes {@link AdminAccount#EMAIL} an administrator with this password.
   *
   * @throws IllegalArgumentException when the password is too short or too long (start-up fails)
   */
  public Outcome ensure(String password) {
    String problem = AdminAccount.checkPassword(password);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    UUID id = UUID.randomUUID();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String hash = hashers.get().hash(password);
    Outcome outcome =
        Tx.run(
            dataSource,
            c -> {
              if (insert(c, id, hash, now)) {
                messaging.publish(
                    c, new UserRegistered(id, AdminAccount.EMAIL, AdminAccount.NAME, now));
                return Outcome.CREATED;
              }
              return updateIfDifferent(c, password, hash);
            });
    if (outcome == Outcome.CREATED) {
      messaging.flush();
    }
    return outcome;
  }

  private static boolean insert(Connection c, UUID id, String hash, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO users (id, email, name, password_hash, roles, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ((lower(email))) DO NOTHING")) {
      ps.setObject(1, id);
      ps.setString(2, AdminAccount.EMAIL);
      ps.setString(3, AdminAccount.NAME);
      ps.setString(4, hash);
      ps.setArray(5, c.createArrayOf("text", AdminAccount.ROLES.toArray()));
      ps.setTimestamp(6, Timestamp.from(now));
      return ps.executeUpdate() == 1;
    }
  }

  private Outcome updateIfDifferent(Connection c, String password, String newHash)
      throws SQLException {
    String current;
    List<String> roles;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT password_hash, roles FROM users WHERE lower(email) = lower(?) FOR UPDATE")) {
      ps.setString(1, AdminAccount.EMAIL);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          // Deleted between our insert and this select; the next start creates it again.
          throw new IllegalStateException(AdminAccount.EMAIL + " vanished during start-up");
        }
        current = rs.getString(1);
        Array array = rs.getArray(2);
        roles = Arrays.asList((String[]) array.getArray());
      }
    }
    boolean samePassword = hashers.get().matches(password, current);
    boolean isAdmin = roles.containsAll(AdminAccount.ROLES);
    if (samePassword && isAdmin) {
      return Outcome.UNCHANGED;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE users SET password_hash = ?, roles = ? WHERE lower(email) = lower(?)")) {
      ps.setString(1, samePassword ? current : newHash);
      ps.setArray(2, c.createArrayOf("text", AdminAccount.ROLES.toArray()));
      ps.setString(3, AdminAccount.EMAIL);
      ps.executeUpdate();
    }
    return Outcome.UPDATED;
  }
}
