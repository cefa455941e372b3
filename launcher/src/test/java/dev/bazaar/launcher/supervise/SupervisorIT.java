package dev.bazaar.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.Phase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisorIT {
  @TempDir Path dir;

  final List<List<InstanceState>> changes = new CopyOnWriteArrayList<>();
  Supervisor supervisor;

  Supervisor supervisor(Duration readyTimeout) {
    supervisor =
        new Supervisor(
            readyTimeout,
            Backoff::standard,
            Clock.systemUTC(),
            () -> changes.add(supervisor.snapshot()),
            event -> {},
            false);
    return supervisor;
  }

  ChildSpec spec(String name, ReadinessProbe probe, String... command) {
    return new ChildSpec(
        name, name + "-1", 0, 1, List.of(command), Map.of(), dir.resolve(name + ".log"), probe);
  }

  @AfterEach
  void stop() {
    if (supervisor != null) {
      supervisor.stopAll(Duration.ofSeconds(5), line -> {});
    }
  }

  static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", timeout).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void aKilledChildIsRestartedAndCounted() throws Exception {
    Supervisor s = supervisor(Duration.ofSeconds(10));
    Supervisor.Child child = s.launch(spec("sleeper", pid -> true, "sleep", "1000"));
    s.awaitReady(List.of(child));
    long firstPid = child.pid();

    ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

    await(
        () -> child.restarts() == 1 && child.phase() == Phase.READY && child.pid() != firstPid,
        Duration.ofSeconds(10));
    assertThat(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive)).contains(true);
    assertThat(changes)
        .anySatisfy(
            snapshot -> assertThat(snapshot.getFirst().state()).isEqualTo(Phase.RESTARTING));
    assertThat(s.snapshot())
        .containsExactly(new InstanceState("sleeper", "sleeper-1", child.pid(), 0, Phase.READY, 1));

    long secondPid = child.pid();
    s.stopAll(Duration.ofSeconds(5), line -> {});
    assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(s.snapshot().getFirst().state()).isEqualTo(Phase.STOPPED);
  }

  @Test
  void aChildThatExitsDuringStartUpFailsTheStart() throws Exception {
    Supervisor s = supervisor(Duration.ofSeconds(10));
    Supervisor.Child child = s.launch(spec("orders", pid -> false, "sh", "-c", "exit 3"));

    assertThatThrownBy(() -> s.awaitReady(List.of(child)))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("orders exited with code 3 during start-up");
    assertThat(child.phase()).isEqualTo(Phase.FAILED);
  }

  @Test
  void aChildThatNeverGetsReadyFailsAfterTheTimeout() throws Exception {
    Supervisor s = supervisor(Duration.ofSeconds(1));
    Supervisor.Child child = s.launch(spec("orders", pid -> false, "sleep", "1000"));

    assertThatThrownBy(() -> s.awaitReady(List.of(child)))
        .isInstanceOf(StartupFailure.class)
        .hasMessage("orders not ready after 1 s");
  }
}
