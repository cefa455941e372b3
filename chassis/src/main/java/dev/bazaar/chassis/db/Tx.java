package dev.bazaar.chassis.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Plain JDBC transactions: the outbox row, the inbox row and the state change share one connection
 * and commit together, or not at all.
 */
public final class Tx {

  /** Work done inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws Exception;
  }

  private Tx() {}

  public static <T> T run(DataSource dataSource, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (Throwable e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new DataAccessException(e);
    }
  }

  /** True when the failure is a unique-key violation (SQLSTATE 23505) anywhere in its causes. */
  public static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the database could not be reached or dropped the connection (SQLSTATE class 08, an
   * administrator shutdown 57P0x, or no pooled connection in time): retrying the same work later
   * may succeed, and the work itself is not to blame.
   */
  public static boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
      if (t instanceof SQLException s
          && s.getMessage() != null
          && s.getMessage().contains("Acquisition timeout")) {
        return true;
      }
    }
    return false;
  }

  /** An SQL failure, unchecked so that transaction callbacks stay readable. */
  public static final class DataAccessException extends RuntimeException {
    public DataAccessException(Throwable cause) {
      super(cause);
    }
  }
}
