package dev.bazaar.gateway.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the Prometheus text exposition format, as the services' {@code /q/metrics} write it. */
final class PrometheusText {

  /** One sample line: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private PrometheusText() {}

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      Sample s = parseLine(line);
      if (s != null) {
        samples.add(s);
      }
    }
    return samples;
  }

  /** A sample line, or null when it is not one (then it is skipped, not fatal). */
  static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    int valueStart;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          return null;
        }
        String key = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (j < line.length() && line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char n = line.charAt(++j);
            value.append(n == 'n' ? '\n' : n);
          } else {
            value.append(c);
          }
          j++;
        }
        labels.put(key, value.toString());
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
      valueStart = line.indexOf(' ', i) + 1;
      if (valueStart <= 0) {
        return null;
      }
    } else {
      name = line.substring(0, space);
      valueStart = space + 1;
    }
    String rest = line.substring(valueStart).strip();
    int end = rest.indexOf(' ');
    String number = end < 0 ? rest : rest.substring(0, end);
    try {
      return new Sample(name, labels, Double.parseDouble(number.replace("+Inf", "Infinity")));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
