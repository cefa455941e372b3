package dev.bazaar.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables docs/runtime-contract.md says each process reads, read from its tables: "Variables
 * every service reads" (a row whose meaning says "orders only" applies to orders alone) and
 * "Gateway" (where {@code ..._CATALOG} continues the name before it).
 */
final class RuntimeContract {
  static final List<String> SERVICES =
      List.of("users", "catalog", "orders", "notifications", "payments");
  private static final Pattern ONLY = Pattern.compile("\\b([a-z]+) only\\b");

  private RuntimeContract() {}

  /** Process name (the five services and gateway) to the variables it reads. */
  static Map<String, Set<String>> variables() throws IOException {
    List<String> lines = Files.readAllLines(Repo.root().resolve("docs/runtime-contract.md"));
    Map<String, Set<String>> out = new LinkedHashMap<>();
    SERVICES.forEach(s -> out.put(s, new LinkedHashSet<>()));
    out.put("gateway", new LinkedHashSet<>());
    String section = "";
    for (String line : lines) {
      if (line.startsWith("## ")) {
        section = line.substring(3).trim();
        continue;
      }
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      List<String> names = names(cells[1]);
      String meaning = cells.length > 2 ? cells[2] : "";
      if (section.startsWith("Variables every service reads")) {
        Matcher only = ONLY.matcher(meaning);
        List<String> targets = only.find() ? List.of(only.group(1)) : SERVICES;
        for (String target : targets) {
          if (!out.containsKey(target)) {
            throw new IllegalStateException("unknown service '" + target + "' in: " + line);
          }
          out.get(target).addAll(names);
        }
      } else if (section.equals("Gateway")) {
        out.get("gateway").addAll(names);
      }
    }
    return out;
  }

  static List<String> names(String cell) {
    List<String> names = new ArrayList<>();
    Matcher all = Pattern.compile("`(\\.\\.\\.)?([A-Z0-9_]+)`").matcher(cell);
    String previous = null;
    while (all.find()) {
      String name = all.group(2);
      if (all.group(1) != null) {
        if (previous == null) {
          throw new IllegalStateException("'..." + name + "' continues no name in: " + cell);
        }
        name = previous.substring(0, previous.lastIndexOf('_')) + name;
      } else {
        previous = name;
      }
      names.add(name);
    }
    return names;
  }
}
