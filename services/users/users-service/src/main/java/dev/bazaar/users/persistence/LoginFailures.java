package dev.bazaar.users.persistence;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.users.config.UsersConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/** Failed logins per email key ({@code login_failures}), shared by every users instance. */
@ApplicationScoped
public class LoginFailures {

  @Inject DataSource dataSource;
  @Inject UsersConfig config;
  @Inject Clock clock;

  /**
   * Forgets failed logins older than {@code bazaar.users.login-backoff.memory}, hourly, so that
   * guesses at made-up emails do not pile up.
   */
  @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void purgeOld() {
    Instant cutoff = clock.instant().minus(config.loginBackoff().memory());
    Tx.run(dataSource, c -> purge(c, cutoff));
  }

  /** The failures recorded for one email key. */
  public record Record(int failures, Instant lastFailureAt) {}

  /** The key an email is counted under: case and surrounding space do not make another account. */
  public static String key(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  public Optional<Record> find(Connection c, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT failures, last_failure_at FROM login_failures WHERE email_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Record(rs.getInt(1), rs.getTimestamp(2).toInstant()))
            : Optional.empty();
      }
    }
  }

  /**
   * Counts a failure at {@code now}; failures last seen before {@code forgetBefore} start over.
   * Returns the count after this one.
   */
  public int recordFailure(Connection c, String key, Instant now, Instant forgetBefore)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO login_failures (email_key, failures, last_failure_at) VALUES (?, 1, ?)"
                + " ON CONFLICT (email_key) DO UPDATE SET"
                + " failures = CASE WHEN login_failures.last_failure_at < ? THEN 1"
                + " ELSE login_failures.failures + 1 END,"
                + " last_failure_at = excluded.last_failure_at"
                + " RETURNING failures")) {
      ps.setString(1, key);
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setTimestamp(3, Timestamp.from(forgetBefore));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  public void clear(Connection c, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM login_failures WHERE email_key = ?")) {
      ps.setString(1, key);
      ps.executeUpdate();
    }
  }

  /** Forgets failures last seen before {@code cutoff}. */
  public int purge(Connection c, Instant cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM login_failures WHERE last_failure_at < ?")) {
      ps.setTimestamp(1, Timestamp.from(cutoff));
      return ps.executeUpdate();
    }
  }
}
