package dev.bazaar.orders.changes;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code wait} preference of RFC 7240: {@code Prefer: wait=N} (delta-seconds), possibly among
 * other preferences and over several {@code Prefer} headers. Like every preference it is a hint: a
 * malformed one is ignored, and one above the longest wait is honoured up to that bound.
 */
public final class PreferWait {

  private PreferWait() {}

  /** The wait to honour: empty when none was asked for (or it was malformed or 0). */
  public static Optional<Duration> parse(List<String> preferHeaders, Duration longest) {
    if (preferHeaders == null) {
      return Optional.empty();
    }
    for (String header : preferHeaders) {
      if (header == null) {
        continue;
      }
      for (String preference : header.split(",")) {
        // A preference may carry parameters after ';': only its own token=value counts.
        String token = preference.split(";", 2)[0].trim();
        int eq = token.indexOf('=');
        if (eq < 0 || !token.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("wait")) {
          continue;
        }
        String value = token.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
          return Optional.empty();
        }
        long seconds = Long.parseLong(value);
        if (seconds == 0) {
          return Optional.empty();
        }
        Duration asked = Duration.ofSeconds(seconds);
        return Optional.of(asked.compareTo(longest) > 0 ? longest : asked);
      }
    }
    return Optional.empty();
  }
}
