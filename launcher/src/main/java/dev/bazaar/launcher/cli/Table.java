package dev.bazaar.launcher.cli;

import java.util.ArrayList;
import java.util.List;

/** Plain-text table: upper-case headers, columns left-aligned and two spaces apart. */
public final class Table {
  private Table() {}

  public static String render(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers.stream().map(String::toUpperCase).toList());
    all.addAll(rows);
    for (List<String> row : all) {
      if (row.size() != headers.size()) {
        throw new IllegalArgumentException(
            "row must have " + headers.size() + " cells, but had " + row.size() + ": " + row);
      }
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
