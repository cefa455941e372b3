package dev.bazaar.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleStateTest {
  static final Instant STARTED = Instant.parse("2025-05-01T10:00:00Z");

  @TempDir Path data;

  LauncherState state(InstanceState... instances) {
    return LauncherState.of(500, data.toString(), STARTED, List.of(instances));
  }

  @Test
  void aLiveLauncherThatStartedBeforeTheStateFileIsAlive() {
    FakeProcessTable table = new FakeProcessTable().with(500, STARTED.minusSeconds(1), "java");

    assertThat(new StaleState(table).launcherAlive(state())).isTrue();
  }

  @Test
  void aMissingLauncherIsStale() {
    assertThat(new StaleState(new FakeProcessTable()).launcherAlive(state())).isFalse();
  }

  @Test
  void aPidReusedByALaterProcessIsStale() {
    FakeProcessTable table = new FakeProcessTable().with(500, STARTED.plusSeconds(3600), "bash");

    assertThat(new StaleState(table).launcherAlive(state())).isFalse();
  }

  @Test
  void leftoversAreOnlyLiveProcessesWhoseCommandLineNamesTheDataDir() {
    InstanceState users = new InstanceState("users", "users-1", 601, 8081, Phase.READY, 0);
    InstanceState reused = new InstanceState("orders", "orders-1", 602, 8083, Phase.READY, 0);
    InstanceState gone = new InstanceState("catalog", "catalog-1", 603, 8082, Phase.READY, 0);
    FakeProcessTable table =
        new FakeProcessTable()
            .with(601, STARTED, "java -Dbazaar.data.dir=" + data + " -jar users.jar")
            .with(602, STARTED, "vim notes.txt");

    assertThat(new StaleState(table).leftovers(state(users, reused, gone), data))
        .containsExactly(users);
  }

  @Test
  void cleanUpStopsLeftoversAndTheLeftoverPostmaster() throws Exception {
    Path pgData = data.resolve("postgres");
    Files.createDirectories(pgData);
    Files.writeString(pgData.resolve("postmaster.pid"), "777\n" + pgData + "\n1700000000\n5433\n");
    InstanceState broker = new InstanceState("broker", "broker-1", 601, 5673, Phase.READY, 0);
    InstanceState pg = new InstanceState("postgres", "postgres-1", 777, 5433, Phase.READY, 0);
    FakeProcessTable table =
        new FakeProcessTable()
            .with(601, STARTED, "java BrokerMain --work " + data.resolve("broker"))
            .with(777, STARTED, "/tmp/pg/bin/postgres -D " + pgData + " -p 5433");

    List<String> stopped = new StaleState(table).cleanUp(Optional.of(state(broker, pg)), data);

    assertThat(stopped).containsExactly("broker-1 (pid 601)", "postgres-1 (pid 777)");
    assertThat(table.signals).containsExactly("TERM 601", "INT 777");
  }

  @Test
  void aPostmasterPidOfAnotherServerIsLeftAlone() throws Exception {
    Path pgData = data.resolve("postgres");
    Files.createDirectories(pgData);
    Files.writeString(pgData.resolve("postmaster.pid"), "777\n");
    FakeProcessTable table =
        new FakeProcessTable().with(777, STARTED, "postgres -D /var/lib/postgresql/17/main");

    assertThat(new StaleState(table).stopPostgres(data)).isEmpty();
    assertThat(table.signals).isEmpty();
  }
}
