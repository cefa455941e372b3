package dev.bazaar.gateway.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

  private final SplittableRandom random = new SplittableRandom(1);
  private final RequestIds ids = new RequestIds(() -> random);

  @ParameterizedTest
  @ValueSource(strings = {"a", "abc-123", "A.b_C-9", "0123456789abcdef0123456789abcdef"})
  void keepsSaneIds(String id) {
    assertThat(ids.continueOrCreate(id)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "a/b", "a\nb", "ünïcode", "a,b"})
  void replacesInsaneIds(String id) {
    assertThat(ids.continueOrCreate(id)).isNotEqualTo(id).matches(RequestIdsTest::isV4Uuid);
  }

  @Test
  void lengthLimitIs128() {
    assertThat(RequestIds.isSane("a".repeat(128))).isTrue();
    assertThat(RequestIds.isSane("a".repeat(129))).isFalse();
    assertThat(RequestIds.isSane(null)).isFalse();
  }

  @Test
  void createsVersion4Uuids() {
    assertThat(ids.create()).matches(RequestIdsTest::isV4Uuid);
    assertThat(ids.create()).isNotEqualTo(ids.create());
  }

  private static boolean isV4Uuid(String s) {
    UUID uuid = UUID.fromString(s);
    return uuid.version() == 4 && uuid.variant() == 2 && uuid.toString().equals(s);
  }
}
