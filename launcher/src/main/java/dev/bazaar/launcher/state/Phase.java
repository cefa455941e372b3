package dev.bazaar.launcher.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle of one supervised instance, as written to the state file. */
public enum Phase {
  STARTING,
  READY,
  RESTARTING,
  STOPPED,
  FAILED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Phase of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }

  /** Whether the recorded pid is expected to be a live process in this phase. */
  public boolean expectsProcess() {
    return this == STARTING || this == READY;
  }
}
