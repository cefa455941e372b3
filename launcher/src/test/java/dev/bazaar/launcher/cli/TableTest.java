package dev.bazaar.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsColumnsUnderUpperCaseHeaders() {
    String table =
        Table.render(
            List.of("service", "pid", "port", "health"),
            List.of(
                List.of("users", "1234", "8081", "ready"),
                List.of("notifications", "99", "8084", "ready")));

    assertThat(table)
        .isEqualTo(
            """
            SERVICE        PID   PORT  HEALTH
            users          1234  8081  ready
            notifications  99    8084  ready
            """);
  }

  @Test
  void rejectsRaggedRows() {
    assertThatThrownBy(() -> Table.render(List.of("a", "b"), List.of(List.of("x"))))
        .hasMessageContaining("row must have 2 cells, but had 1");
  }
}
