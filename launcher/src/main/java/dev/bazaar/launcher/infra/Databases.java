package dev.bazaar.launcher.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates one login role and one database per service, idempotently, with least privilege: the role
 * is no superuser and cannot create roles or databases, it owns only its database, and no other
 * role may connect to that database (PostgreSQL grants CONNECT and TEMPORARY to PUBLIC by default,
 * which is revoked).
 */
public final class Databases {
  private Databases() {}

  /**
   * Makes sure every {@code name} exists as a role (with the password from {@code secrets}) and as
   * a database owned by that role.
   */
  public static void ensure(String adminJdbcUrl, List<String> names, Secrets secrets)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(adminJdbcUrl)) {
      c.setAutoCommit(true);
      for (String name : names) {
        requireIdentifier(name);
        String password = secrets.password(name).replace("'", "''");
        boolean roleExists = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", name);
        try (Statement s = c.createStatement()) {
          // Re-setting the password keeps the role in step with secrets.properties.
          s.execute(
              (roleExists ? "ALTER ROLE " : "CREATE ROLE ")
                  + name
                  + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                  + " PASSWORD '"
                  + password
                  + "'");
          if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
            s.execute("CREATE DATABASE " + name + " OWNER " + name);
          } else {
            s.execute("ALTER DATABASE " + name + " OWNER TO " + name);
          }
          s.execute("REVOKE ALL ON DATABASE " + name + " FROM PUBLIC");
        }
      }
    }
  }

  private static boolean exists(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void requireIdentifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "database name must be lower-case letters, digits and _, but was " + name);
    }
  }
}
