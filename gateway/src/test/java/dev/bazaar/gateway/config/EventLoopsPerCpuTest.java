package dev.bazaar.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

class EventLoopsPerCpuTest {

  @Test
  void offersOneEventLoopPerAvailableCpu() {
    EventLoopsPerCpu source = new EventLoopsPerCpu();

    assertThat(source.getValue("quarkus.vertx.event-loops-pool-size"))
        .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
    assertThat(source.getPropertyNames()).containsExactly("quarkus.vertx.event-loops-pool-size");
    assertThat(source.getValue("quarkus.http.port")).isNull();
  }

  @Test
  void ranksBelowEverySourceAUserWrites() {
    // application.properties is 250, a routes file 275, environment 300, system properties 400.
    assertThat(new EventLoopsPerCpu().getOrdinal()).isLessThan(250).isGreaterThan(100);
  }

  @Test
  void isRegisteredForTheServiceLoader() {
    assertThat(ServiceLoader.load(ConfigSource.class).stream().map(ServiceLoader.Provider::type))
        .contains(EventLoopsPerCpu.class);
  }
}
