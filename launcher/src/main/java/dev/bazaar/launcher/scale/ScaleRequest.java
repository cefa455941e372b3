package dev.bazaar.launcher.scale;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code <service>=<count>} argument of {@code bazaar scale}. */
public record ScaleRequest(String service, int count) {

  /** The most instances of one service the launcher runs on one machine. */
  public static final int MAX_INSTANCES = 8;

  private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9-]*)=([0-9]{1,3})");

  public ScaleRequest {
    if (count < 1 || count > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          service
              + ": the number of instances must be between 1 and "
              + MAX_INSTANCES
              + ", but was "
              + count);
    }
  }

  public static ScaleRequest parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected <service>=<count>, e.g. catalog=3, but was '" + text + "'");
    }
    return new ScaleRequest(m.group(1), Integer.parseInt(m.group(2)));
  }

  @Override
  public String toString() {
    return service + "=" + count;
  }
}
