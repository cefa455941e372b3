package dev.bazaar.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MessageDescriptorTest {

  @MessageContract(
      type = "Pinged",
      version = 2,
      exchange = Exchanges.EVENTS,
      routingKey = "probe.Pinged",
      sender = "probe")
  record Pinged(String id) {}

  record Unmarked(String id) {}

  @MessageContract(
      type = "Odd",
      version = 1,
      exchange = "elsewhere",
      routingKey = "probe.Odd",
      sender = "probe")
  record Odd(String id) {}

  @Test
  void readsWhatTheRecordDeclares() {
    MessageDescriptor d = MessageDescriptor.of(Pinged.class);
    assertThat(d.type()).isEqualTo("Pinged");
    assertThat(d.version()).isEqualTo(2);
    assertThat(d.routingKey()).isEqualTo("probe.Pinged");
    assertThat(d.sender()).isEqualTo("probe");
    assertThat(d.isCommand()).isFalse();
  }

  @Test
  void refusesARecordWithoutAContractOrWithAnUnknownExchange() {
    assertThatThrownBy(() -> MessageDescriptor.of(Unmarked.class))
        .hasMessageContaining("has no @MessageContract");
    assertThatThrownBy(() -> MessageDescriptor.of(Odd.class))
        .hasMessageContaining("unknown exchange elsewhere");
  }
}
