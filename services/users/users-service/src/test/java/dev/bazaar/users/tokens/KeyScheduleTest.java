package dev.bazaar.users.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.users.config.UsersConfig;
import dev.bazaar.users.tokens.SigningKeyStore.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of rotation, on keys as the store holds them, with explicit instants. */
class KeyScheduleTest {

  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  static final Duration LEAD = Duration.ofMinutes(2);

  static StoredKey signing(String kid, Instant since) {
    return new StoredKey(kid, null, "{}", since, since, null);
  }

  static StoredKey next(String kid, Instant publishedAt) {
    return new StoredKey(kid, null, "{}", publishedAt, null, null);
  }

  /** The keys after {@code plan} was carried out at its moment, with {@code fresh} published. */
  static List<StoredKey> after(List<StoredKey> keys, KeySchedule.Plan plan, StoredKey fresh) {
    List<StoredKey> result = new ArrayList<>();
    for (StoredKey k : keys) {
      if (k.kid().equals(plan.kid())) {
        k = new StoredKey(k.kid(), null, "{}", k.createdAt(), plan.signsFrom(), null);
      } else if (plan.retired().contains(k.kid())) {
        k = new StoredKey(k.kid(), null, "{}", k.createdAt(), k.signsFrom(), plan.signsFrom());
      }
      result.add(k);
    }
    result.add(fresh);
    return result;
  }

  @Test
  void aNextKeyIsPublishedButNeverSigns() {
    List<StoredKey> keys = List.of(signing("a", T0), next("b", T0));

    assertThat(KeySchedule.next(keys)).map(StoredKey::kid).contains("b");
    for (Duration later : List.of(Duration.ZERO, LEAD, Duration.ofDays(30))) {
      assertThat(KeySchedule.signerAt(keys, T0.plus(later))).map(StoredKey::kid).contains("a");
    }
  }

  @Test
  void aRotationToAKeyPublishedLongEnoughSwitchesAtOnceAndRetiresTheSigningKeyThen() {
    List<StoredKey> keys = List.of(signing("a", T0), next("b", T0));
    Instant now = T0.plus(LEAD).plusSeconds(1);

    KeySchedule.Plan plan = KeySchedule.rotate(keys, KeySchedule.next(keys).get(), now, LEAD);

    assertThat(plan).isEqualTo(new KeySchedule.Plan("b", now, List.of("a")));
    List<StoredKey> rotated = after(keys, plan, next("c", now));
    assertThat(KeySchedule.signerAt(rotated, now.minusMillis(1))).map(StoredKey::kid).contains("a");
    assertThat(KeySchedule.signerAt(rotated, now)).map(StoredKey::kid).contains("b");
    assertThat(KeySchedule.next(rotated)).map(StoredKey::kid).contains("c");
  }

  @Test
  void aRotationToAKeyPublishedTooRecentlyWaitsUntilItHasBeenPublishedForTheLead() {
    Instant published = T0.plusSeconds(30);
    List<StoredKey> keys = List.of(signing("a", T0), next("b", published));
    Instant now = published.plusSeconds(5);

    KeySchedule.Plan plan = KeySchedule.rotate(keys, KeySchedule.next(keys).get(), now, LEAD);

    assertThat(plan.signsFrom()).isEqualTo(published.plus(LEAD));
    List<StoredKey> rotated = after(keys, plan, next("c", now));
    // The old key signs until the switch, not a moment less.
    assertThat(KeySchedule.signerAt(rotated, now)).map(StoredKey::kid).contains("a");
    assertThat(KeySchedule.signerAt(rotated, published.plus(LEAD).minusNanos(1)))
        .map(StoredKey::kid)
        .contains("a");
    assertThat(KeySchedule.signerAt(rotated, published.plus(LEAD)))
        .map(StoredKey::kid)
        .contains("b");
  }

  @Test
  void rotationsInAnyRhythmNeverSignWithAKeyPublishedForLessThanTheLead() {
    // Rotations 0 s, 1 s, 59 s, 2 min, 3 min apart, and several at the same instant.
    long[] gaps = {0, 1, 0, 0, 59, 120, 180, 1, 0, 400, 5};
    List<StoredKey> keys = List.of(signing("k0", T0), next("k1", T0));
    Instant now = T0;
    int made = 1;
    for (long gap : gaps) {
      now = now.plusSeconds(gap);
      KeySchedule.Plan plan = KeySchedule.rotate(keys, KeySchedule.next(keys).get(), now, LEAD);
      assertThat(plan.signsFrom()).isAfterOrEqualTo(now);
      keys = after(keys, plan, next("k" + ++made, now));
      assertThat(KeySchedule.next(keys)).isPresent();
    }
    // Every key, at every moment it signs, has been published for at least the lead (the first
    // signed before any verifier could hold an older JWKS).
    for (Instant at = T0; !at.isAfter(now.plus(LEAD)); at = at.plusMillis(500)) {
      StoredKey signer = KeySchedule.signerAt(keys, at).orElseThrow();
      if (!signer.kid().equals("k0")) {
        assertThat(Duration.between(signer.createdAt(), at))
            .as("%s signing at %s", signer.kid(), at)
            .isGreaterThanOrEqualTo(LEAD);
      }
    }
  }

  @Test
  void aRotationDuringAPendingSwitchRetiresTheScheduledKeyAtTheLaterSwitch() {
    List<StoredKey> keys = List.of(signing("a", T0), next("b", T0.plusSeconds(100)));
    Instant now = T0.plusSeconds(110);
    KeySchedule.Plan first = KeySchedule.rotate(keys, KeySchedule.next(keys).get(), now, LEAD);
    keys = after(keys, first, next("c", now));

    KeySchedule.Plan second = KeySchedule.rotate(keys, KeySchedule.next(keys).get(), now, LEAD);

    assertThat(second.kid()).isEqualTo("c");
    assertThat(second.signsFrom()).isEqualTo(now.plus(LEAD));
    assertThat(second.retired()).containsExactly("b");
  }

  static UsersConfig.Keys keys(String reload, String maxAge, String prePublication) {
    return new UsersConfig.Keys() {
      @Override
      public Duration retirementMargin() {
        return Duration.ofMinutes(2);
      }

      @Override
      public Duration reloadInterval() {
        return Duration.parse("PT" + reload);
      }

      @Override
      public Duration jwksMaxAge() {
        return Duration.parse("PT" + maxAge);
      }

      @Override
      public Duration prePublication() {
        return Duration.parse("PT" + prePublication);
      }
    };
  }

  @Test
  void aPrePublicationShorterThanAVerifierMayTakeToSeeAKeyStopsTheStart() {
    SigningKeys.checkPrePublication(keys("30s", "60s", "120s"));
    SigningKeys.checkPrePublication(keys("30s", "60s", "90s"));
    assertThatThrownBy(() -> SigningKeys.checkPrePublication(keys("30s", "60s", "89s")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pre-publication must be at least")
        .hasMessageContaining("PT1M30S")
        .hasMessageContaining("PT1M29S");
  }

  @Test
  void onlyANextKeyCanBeRotatedTo() {
    StoredKey a = signing("a", T0);
    assertThatThrownBy(() -> KeySchedule.rotate(List.of(a), a, T0, LEAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a next key");
  }
}
