package dev.bazaar.catalog.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The units an order asks for, one entry per product, sorted by product id in the database's order:
 * product rows are locked in that order, so two transactions over overlapping products never
 * deadlock.
 */
public record StockDemand(List<Line> lines) {

  /**
   * PostgreSQL's order of uuid values (unsigned bytes), which is the order of their canonical text;
   * {@link UUID#compareTo} compares signed longs and would disagree for half of all ids.
   */
  public static final Comparator<UUID> ORDER = Comparator.comparing(UUID::toString);

  /** A quantity of one product. */
  public record Line(UUID productId, int quantity) {
    public Line {
      Objects.requireNonNull(productId, "productId");
      if (quantity < 1) {
        throw new IllegalArgumentException("quantity must be 1 or more, but was " + quantity);
      }
    }
  }

  public StockDemand {
    if (lines == null || lines.isEmpty()) {
      throw new IllegalArgumentException("a stock demand needs at least one line");
    }
    lines = List.copyOf(lines);
    for (int i = 1; i < lines.size(); i++) {
      if (ORDER.compare(lines.get(i - 1).productId(), lines.get(i).productId()) >= 0) {
        throw new IllegalArgumentException("lines must be sorted by product id without repeats");
      }
    }
  }

  /**
   * Merges repeated products (two lines of 1 are one line of 2) and sorts by product id.
   *
   * @throws IllegalArgumentException when there are no lines, a line lacks a product, a quantity is
   *     below 1, or a product's total exceeds an int
   */
  public static StockDemand of(List<Line> requested) {
    if (requested == null || requested.isEmpty()) {
      throw new IllegalArgumentException("a stock demand needs at least one line");
    }
    Map<UUID, Integer> merged = new TreeMap<>(ORDER);
    for (Line line : requested) {
      if (line == null) {
        throw new IllegalArgumentException("a stock demand line is missing");
      }
      merged.merge(
          line.productId(),
          line.quantity(),
          (a, b) -> {
            long sum = (long) a + b;
            if (sum > Integer.MAX_VALUE) {
              throw new IllegalArgumentException(
                  "quantity of " + line.productId() + " exceeds " + Integer.MAX_VALUE);
            }
            return (int) sum;
          });
    }
    List<Line> lines = new ArrayList<>(merged.size());
    merged.forEach((id, qty) -> lines.add(new Line(id, qty)));
    return new StockDemand(lines);
  }

  public List<UUID> productIds() {
    return lines.stream().map(Line::productId).toList();
  }

  /** What the products' available stock says about this demand. */
  public Shortfall shortfall(Map<UUID, Integer> available) {
    List<UUID> unknown = new ArrayList<>();
    List<UUID> outOfStock = new ArrayList<>();
    for (Line line : lines) {
      Integer stock = available.get(line.productId());
      if (stock == null) {
        unknown.add(line.productId());
      } else if (stock < line.quantity()) {
        outOfStock.add(line.productId());
      }
    }
    return new Shortfall(List.copyOf(unknown), List.copyOf(outOfStock));
  }

  /**
   * Products the demand cannot be met for: {@code unknown} are not in the catalog, {@code
   * outOfStock} have fewer units available than asked. Unknown products take precedence as the
   * reason.
   */
  public record Shortfall(List<UUID> unknown, List<UUID> outOfStock) {
    public boolean none() {
      return unknown.isEmpty() && outOfStock.isEmpty();
    }
  }
}
