package dev.bazaar.catalog.persistence;

import dev.bazaar.catalog.domain.Product;
import dev.bazaar.catalog.domain.ProductSearch;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

  public Optional<Product> findById(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM products WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(product(rs)) : Optional.empty();
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
