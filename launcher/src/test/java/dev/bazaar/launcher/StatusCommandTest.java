package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.Phase;
import dev.bazaar.launcher.supervise.ProcessTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  /** Only the given pids are alive. */
  static ProcessTable alive(Set<Long> pids) {
    return new ProcessTable() {
      @Override
      public Optional<ProcessView> find(long pid) {
        return pids.contains(pid)
            ? Optional.of(new ProcessView(pid, Optional.empty(), "java"))
            : Optional.empty();
      }

      @Override
      public void terminate(long pid, boolean interrupt) {}

      @Override
      public void kill(long pid) {}

      @Override
      public boolean awaitExit(long pid, Duration timeout) {
        return true;
      }
    };
  }

  static LauncherState state() {
    return LauncherState.of(
        1,
        "/data",
        Instant.EPOCH,
        List.of(
            new InstanceState("users", "users-1", 10, 8081, Phase.READY, 0),
            new InstanceState("orders", "orders-1", 11, 8083, Phase.READY, 3),
            new InstanceState("catalog", "catalog-1", 12, 8082, Phase.RESTARTING, 1)));
  }

  @Test
  void jsonHasExactlyTheDocumentedShape() {
    String json = StatusCommand.json(StatusCommand.rows(state(), alive(Set.of(10L))));

    assertThat(json)
        .isEqualTo(
            "[{\"service\":\"users\",\"instance\":\"users-1\",\"pid\":10,\"port\":8081,"
                + "\"state\":\"ready\",\"restarts\":0},"
                + "{\"service\":\"orders\",\"instance\":\"orders-1\",\"pid\":11,\"port\":8083,"
                + "\"state\":\"dead\",\"restarts\":3},"
                + "{\"service\":\"catalog\",\"instance\":\"catalog-1\",\"pid\":12,\"port\":8082,"
                + "\"state\":\"restarting\",\"restarts\":1}]");
  }

  @Test
  void tableShowsEveryInstance() {
    String table = StatusCommand.table(StatusCommand.rows(state(), alive(Set.of(10L, 11L))));

    assertThat(table.lines())
        .containsExactly(
            "SERVICE  INSTANCE   PID  PORT  STATE       RESTARTS",
            "users    users-1    10   8081  ready       0",
            "orders   orders-1   11   8083  ready       3",
            "catalog  catalog-1  12   8082  restarting  1");
  }
}
