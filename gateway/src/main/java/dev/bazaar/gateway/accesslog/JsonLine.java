package dev.bazaar.gateway.accesslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * A growable byte buffer that writes UTF-8 JSON by hand: the access log's lines are built here
 * without a generic JSON generator, a log record or an MDC map. One instance is reused per thread.
 */
final class JsonLine {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] bytes;
  private int length;

  /** Epoch second of {@link #secondPrefix}, so that one formatted second serves many lines. */
  private long cachedSecond = Long.MIN_VALUE;

  private byte[] secondPrefix;

  JsonLine(int capacity) {
    this.bytes = new byte[capacity];
  }

  int length() {
    return length;
  }

  byte[] bytes() {
    return bytes;
  }

  void clear() {
    length = 0;
  }

  JsonLine raw(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** Appends ASCII text as it is: only for constants of this class's callers. */
  JsonLine raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  /** Appends {@code "name":"value"} with the value escaped; a null value writes {@code null}. */
  JsonLine field(String name, String value) {
    raw('"').raw(name).raw("\":");
    if (value == null) {
      return raw("null");
    }
    return string(value);
  }

  /** Appends a JSON string literal: quotes, backslash and control characters escaped, UTF-8. */
  JsonLine string(CharSequence value) {
    int n = value.length();
    // Room for the worst case up front (6 bytes for a character written as a backslash-u escape),
    // so there is no capacity check per character.
    ensure(6 * n + 2);
    byte[] b = bytes;
    int at = length;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b[at++] = (byte) c;
      } else if (c == '"' || c == '\\') {
        b[at++] = '\\';
        b[at++] = (byte) c;
      } else if (c < 0x20 || c == 0x7f) {
        b[at++] = '\\';
        b[at++] = 'u';
        b[at++] = '0';
        b[at++] = '0';
        b[at++] = HEX[(c >> 4) & 0xf];
        b[at++] = HEX[c & 0xf];
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, value.charAt(++i));
        b[at++] = (byte) (0xf0 | (cp >> 18));
        b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[at++] = (byte) (0x80 | (cp & 0x3f));
      } else if (Character.isSurrogate(c)) {
        // A lone surrogate has no UTF-8 form: written as the replacement character.
        b[at++] = (byte) 0xef;
        b[at++] = (byte) 0xbf;
        b[at++] = (byte) 0xbd;
      } else if (c < 0x800) {
        b[at++] = (byte) (0xc0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3f));
      } else {
        b[at++] = (byte) (0xe0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[at++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    b[at++] = '"';
    length = at;
    return this;
  }

  /**
   * Appends an ISO-8601 UTC timestamp with microseconds as a JSON string, for example {@code
   * "2026-11-25T16:58:12.712110Z"}; the date and time of day are formatted once per second.
   */
  JsonLine timestamp(Instant instant) {
    long second = instant.getEpochSecond();
    if (second != cachedSecond) {
      String prefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
      // LocalDateTime drops ":00" seconds; the pattern here always has them.
      if (prefix.length() == 16) {
        prefix = prefix + ":00";
      }
      secondPrefix = prefix.getBytes(StandardCharsets.US_ASCII);
      cachedSecond = second;
    }
    int micros = instant.getNano() / 1000;
    ensure(secondPrefix.length + 10);
    bytes[length++] = '"';
    System.arraycopy(secondPrefix, 0, bytes, length, secondPrefix.length);
    length += secondPrefix.length;
    bytes[length++] = '.';
    for (int div = 100_000; div > 0; div /= 10) {
      bytes[length++] = (byte) ('0' + (micros / div) % 10);
    }
    bytes[length++] = 'Z';
    bytes[length++] = '"';
    return this;
  }

  /** Appends the whole content of {@code other}. */
  void append(JsonLine other) {
    ensure(other.length);
    System.arraycopy(other.bytes, 0, bytes, length, other.length);
    length += other.length;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
