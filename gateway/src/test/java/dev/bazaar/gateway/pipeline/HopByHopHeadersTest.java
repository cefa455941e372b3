package dev.bazaar.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  @Test
  void copiesEndToEndHeadersOnlyKeepingRepeatedValues() {
    MultiMap from =
        MultiMap.caseInsensitiveMultiMap()
            .add("Connection", "keep-alive, X-Private")
            .add("Connection", "X-Other")
            .add("X-Private", "p")
            .add("X-Other", "o")
            .add("Keep-Alive", "timeout=5")
            .add("Transfer-Encoding", "chunked")
            .add("TE", "trailers")
            .add("Trailer", "X-Checksum")
            .add("Upgrade", "websocket")
            .add("Proxy-Authorization", "Basic x")
            .add("Proxy-Whatever", "y")
            .add("Host", "gateway")
            .add("Authorization", "Bearer t")
            .add("Set-Cookie", "a=1")
            .add("Set-Cookie", "b=2");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();

    HopByHopHeaders.copyEndToEnd(from, to, Set.of("host"));

    assertThat(to.names()).containsExactlyInAnyOrder("Authorization", "Set-Cookie");
    assertThat(to.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
  }

  @Test
  void recognisesHopByHopNamesCaseInsensitively() {
    assertThat(HopByHopHeaders.isHopByHop("CONNECTION")).isTrue();
    assertThat(HopByHopHeaders.isHopByHop("proxy-connection")).isTrue();
    assertThat(HopByHopHeaders.isHopByHop("Proxy-Anything")).isTrue();
    assertThat(HopByHopHeaders.isHopByHop("Authorization")).isFalse();
    assertThat(HopByHopHeaders.isHopByHop("Content-Length")).isFalse();
  }
}
