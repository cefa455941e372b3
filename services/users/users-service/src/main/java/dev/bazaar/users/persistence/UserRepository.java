package dev.bazaar.users.persistence;

import dev.bazaar.users.domain.User;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Accounts in the users database. Callers own the transaction. */
@ApplicationScoped
public class UserRepository {

  private static final String COLUMNS = "id, email, name, password_hash, roles, created_at";

  /** Inserts the user; a duplicate email fails with a unique violation (SQLSTATE 23505). */
  public void insert(Connection c, User u) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, u.id());
      ps.setString(2, u.email());
      ps.setString(3, u.name());
      ps.setString(4, u.passwordHash());
      ps.setArray(5, c.createArrayOf("text", u.roles().toArray()));
      ps.setTimestamp(6, Timestamp.from(u.createdAt()));
      ps.executeUpdate();
    }
  }

  public Optional<User> findByEmail(Connection c, String email) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(?)")) {
      ps.setString(1, email);
      return one(ps);
    }
  }

  public Optional<User> findById(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
      ps.setObject(1, id);
      return one(ps);
    }
  }

  private static Optional<User> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      Array roles = rs.getArray(5);
      return Optional.of(
          new User(
              rs.getObject(1, UUID.class),
              rs.getString(2),
              rs.getString(3),
              rs.getString(4),
              List.copyOf(Arrays.asList((String[]) roles.getArray())),
              rs.getTimestamp(6).toInstant()));
    }
  }
}
