package dev.bazaar.launcher.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.launcher.broker.BrokerAccess;
import dev.bazaar.launcher.infra.Secrets;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.Phase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerLocatorTest {

  @TempDir static Path data;

  static LauncherState running(InstanceState... instances) {
    return LauncherState.of(42, data.toString(), Instant.now(), List.of(instances));
  }

  static final InstanceState BROKER =
      new InstanceState("broker", "broker-1", 7, 5673, Phase.READY, 0);
  static final InstanceState USERS = new InstanceState("users", "users-1", 8, 8081, Phase.READY, 0);

  @Test
  void theOptionWinsThenTheEnvironmentThenTheRunningEmbeddedBroker() throws Exception {
    Optional<LauncherState> state = Optional.of(running(USERS, BROKER));
    assertThat(BrokerLocator.locate("amqp://a:b@h:1/", "amqp://env/", state))
        .isEqualTo("amqp://a:b@h:1/");
    assertThat(BrokerLocator.locate(null, "amqp://env/", state)).isEqualTo("amqp://env/");
    String tools = new Secrets(data, new SecureRandom()).password(BrokerAccess.SECRET_PREFIX_TOOLS);
    assertThat(BrokerLocator.locate(" ", "", state))
        .isEqualTo("amqp://launcher:" + tools + "@127.0.0.1:5673/");
  }

  @Test
  void nothingRunningIsAClearError() {
    assertThatThrownBy(() -> BrokerLocator.locate(null, null, Optional.empty()))
        .isInstanceOf(BrokerLocator.NoBroker.class)
        .hasMessageContaining("Bazaar is not running")
        .hasMessageContaining("--amqp-url");
  }

  @Test
  void aSystemOnAnExternalBrokerNeedsItsUrl() {
    assertThatThrownBy(() -> BrokerLocator.locate(null, null, Optional.of(running(USERS))))
        .isInstanceOf(BrokerLocator.NoBroker.class)
        .hasMessageContaining("external broker");
  }

  @Test
  void passwordsAreNotShown() {
    assertThat(BrokerLocator.redact("amqp://guest:secret@10.0.0.1:5672/vh"))
        .isEqualTo("amqp://guest:***@10.0.0.1:5672/vh");
    assertThat(BrokerLocator.redact("amqp://10.0.0.1:5672/")).isEqualTo("amqp://10.0.0.1:5672/");
  }
}
