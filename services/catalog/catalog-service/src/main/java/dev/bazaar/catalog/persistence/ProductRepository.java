package dev.bazaar.catalog.persistence;

import dev.bazaar.catalog.domain.Product;
import dev.bazaar.catalog.domain.ProductSearch;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Products in the catalog database. Callers own the transaction. */
@ApplicationScoped
public class ProductRepository {

  private static final String COLUMNS = "id, name, description, price_amount, currency, stock";
  private static final String MATCHES =
      " WHERE (name ILIKE ? ESCAPE '\\' OR description ILIKE ? ESCAPE '\\')";

  /** One page of matching products and how many match in all. */
  public record Slice(List<Product> items, long total) {}

  public Slice search(Connection c, ProductSearch search) throws SQLException {
    Optional<String> pattern = search.containsPattern();
    String where = pattern.isPresent() ? MATCHES : "";
    long total;
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM products" + where)) {
      bindPattern(ps, pattern, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
      }
    }
    List<Product> items = new ArrayList<>();
    if (search.offset() < total) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + COLUMNS
                  + " FROM products"
                  + where
                  + " ORDER BY name, id LIMIT ? OFFSET ?")) {
        int i = bindPattern(ps, pattern, 1);
        ps.setInt(i++, search.size());
        ps.setLong(i, search.offset());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            items.add(product(rs));
          }
        }
      }
    }
    return new Slice(List.copyOf(items), total);
  }

  /** The products among {@code ids} that exist, in no particular order. */
  public List<Product> findByIds(Connection c, Collection<UUID> ids) throws SQLException {
    List<Product> found = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM products WHERE id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(product(rs));
        }
      }
    }
    return found;
  }

  public Optional<Product> findById(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM products WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(product(rs)) : Optional.empty();
      }
    }
  }

  /** Adds a new product. */
  public void insert(Connection c, Product p) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO products (id, name, description, price_amount, currency, stock)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, p.id());
      ps.setString(2, p.name());
      ps.setString(3, p.description());
      ps.setLong(4, p.priceAmount());
      ps.setString(5, p.currency());
      ps.setInt(6, p.stock());
      ps.executeUpdate();
    }
  }

  /** Replaces every field of a product; false when there is no such product. */
  public boolean replace(Connection c, Product p) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE products SET name = ?, description = ?, price_amount = ?, currency = ?,"
                + " stock = ?, updated_at = now() WHERE id = ?")) {
      ps.setString(1, p.name());
      ps.setString(2, p.description());
      ps.setLong(3, p.priceAmount());
      ps.setString(4, p.currency());
      ps.setInt(5, p.stock());
      ps.setObject(6, p.id());
      return ps.executeUpdate() == 1;
    }
  }

  /** Sets the available quantity; the updated product, or empty when there is no such product. */
  public Optional<Product> setStock(Connection c, UUID id, int stock) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE products SET stock = ?, updated_at = now() WHERE id = ? RETURNING "
                + COLUMNS)) {
      ps.setInt(1, stock);
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(product(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Locks the rows of {@code ids} in id order (the one order every stock change locks in, so that
   * transactions over overlapping products never deadlock) and returns their available stock.
   * Unknown ids are absent from the map.
   */
  public Map<UUID, Integer> lockStock(Connection c, Collection<UUID> ids) throws SQLException {
    Map<UUID, Integer> stock = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, stock FROM products WHERE id = ANY (?) ORDER BY id FOR UPDATE")) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stock.put(rs.getObject(1, UUID.class), rs.getInt(2));
        }
      }
    }
    return stock;
  }

  /**
   * Takes {@code quantity} units out of the available stock if that many are there; false (and no
   * change) otherwise.
   */
  public boolean take(Connection c, UUID id, int quantity) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE products SET stock = stock - ?, updated_at = now()"
                + " WHERE id = ? AND stock >= ?")) {
      ps.setInt(1, quantity);
      ps.setObject(2, id);
      ps.setInt(3, quantity);
      return ps.executeUpdate() == 1;
    }
  }

  /** Puts {@code quantity} units back into the available stock. */
  public void giveBack(Connection c, UUID id, int quantity) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE products SET stock = stock + ?, updated_at = now() WHERE id = ?")) {
      ps.setInt(1, quantity);
      ps.setObject(2, id);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("product " + id + " of a reservation is gone");
      }
    }
  }

  private static int bindPattern(PreparedStatement ps, Optional<String> pattern, int index)
      throws SQLException {
    if (pattern.isEmpty()) {
      return index;
    }
    ps.setString(index, pattern.get());
    ps.setString(index + 1, pattern.get());
    return index + 2;
  }

  private static Product product(ResultSet rs) throws SQLException {
    return new Product(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getInt(6));
  }
}
