package dev.bazaar.chassis.outbox;

import dev.bazaar.chassis.db.Tx;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Deletes what the outbox and inbox no longer need, in chunks so no statement holds many locks:
 * outbox rows sent before a cut-off (unsent rows are never deleted, whatever their age), and inbox
 * keys recorded before a cut-off. An inbox key must outlive every duplicate of its message that can
 * still arrive, so its retention has a floor ({@link #MIN_INBOX_RETENTION}).
 */
public final class Retention {

  /**
   * The shortest inbox retention accepted. A duplicate arrives within seconds of the original (a
   * redelivery after a lost ack, a re-publish after a relay's lease or back-off, each under a
   * minute); an hour leaves a wide margin, and the default keeps keys for days.
   */
  public static final Duration MIN_INBOX_RETENTION = Duration.ofHours(1);

  static final int CHUNK = 5000;

  private Retention() {}

  /** Checks an inbox retention setting; throws with the reason when it is too short. */
  public static Duration checkedInboxRetention(Duration retention) {
    if (retention.compareTo(MIN_INBOX_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "bazaar.inbox.retention must be at least "
              + MIN_INBOX_RETENTION
              + " so that no duplicate can arrive after its key is gone, but was "
              + retention);
    }
    return retention;
  }

  /** Deletes outbox rows sent before {@code cutOff}; returns how many. */
  public static long purgeOutbox(DataSource dataSource, Instant cutOff) {
    return purge(
        dataSource,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT NULL"
            + " AND sent_at < ? LIMIT "
            + CHUNK
            + ")",
        cutOff);
  }

  /** Deletes inbox keys recorded before {@code cutOff}; returns how many. */
  public static long purgeInbox(DataSource dataSource, Instant cutOff) {
    return purge(
        dataSource,
        "DELETE FROM inbox WHERE ctid IN (SELECT ctid FROM inbox WHERE received_at < ? LIMIT "
            + CHUNK
            + ")",
        cutOff);
  }

  private static long purge(DataSource dataSource, String sql, Instant cutOff) {
    long total = 0;
    int n;
    do {
      n =
          Tx.run(
              dataSource,
              c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                  ps.setTimestamp(1, Timestamp.from(cutOff));
                  return ps.executeUpdate();
                }
              });
      total += n;
    } while (n == CHUNK);
    return total;
  }
}
