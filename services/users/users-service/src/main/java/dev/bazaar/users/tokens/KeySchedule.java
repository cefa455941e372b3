package dev.bazaar.users.tokens;

import dev.bazaar.users.tokens.SigningKeyStore.StoredKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which key signs when: the rules of rotation, apart from the database and the clock.
 *
 * <p>A stored key is published in the JWKS from its {@code createdAt} until it is deleted, and its
 * timestamps tell its state:
 *
 * <ul>
 *   <li><b>next</b>: {@code signsFrom} and {@code retiredAt} unset. Published, never signs; there
 *       is always one, so that a rotation has a key that verifiers already hold.
 *   <li><b>scheduled</b>: {@code signsFrom} in the future. Published, signs from then on.
 *   <li><b>signing</b>: the key with the latest {@code signsFrom} that has come.
 *   <li><b>retired</b>: {@code retiredAt} set (to the moment its successor signs). Verifies the
 *       tokens it signed until they expire, then is deleted.
 * </ul>
 *
 * A rotation ({@link #rotate}) schedules the next key at the earliest moment it has been published
 * for {@code prePublication}: at once when it is older than that, which is the usual case. So no
 * token is ever signed by a key that a verifier refreshing within {@code prePublication} could
 * lack.
 */
final class KeySchedule {

  private KeySchedule() {}

  /** What a rotation decides: {@code kid} signs from {@code signsFrom}; {@code retired} stop. */
  record Plan(String kid, Instant signsFrom, List<String> retired) {}

  /** The pre-published key a rotation switches to: the oldest next key. */
  static Optional<StoredKey> next(List<StoredKey> keys) {
    return keys.stream()
        .filter(k -> k.signsFrom() == null && k.retiredAt() == null)
        .min(Comparator.comparing(StoredKey::createdAt).thenComparing(StoredKey::kid));
  }

  /** The key that signs at {@code at}: the one whose {@code signsFrom} came last. */
  static Optional<StoredKey> signerAt(List<StoredKey> keys, Instant at) {
    return keys.stream()
        .filter(k -> k.signsFrom() != null && !k.signsFrom().isAfter(at))
        .max(Comparator.comparing(StoredKey::signsFrom).thenComparing(StoredKey::kid));
  }

  /**
   * The rotation at {@code now} to {@code next}, published since its {@code createdAt}: it signs
   * once it has been published for {@code prePublication} (at once if it has), and every key that
   * signs or is scheduled retires at that moment.
   */
  static Plan rotate(List<StoredKey> keys, StoredKey next, Instant now, Duration prePublication) {
    if (next.signsFrom() != null || next.retiredAt() != null) {
      throw new IllegalArgumentException(
          "key " + next.kid() + " is not a next key: it signs from " + next.signsFrom());
    }
    Instant published = next.createdAt().plus(prePublication);
    Instant signsFrom = published.isAfter(now) ? published : now;
    List<String> retired = new ArrayList<>();
    for (StoredKey key : keys) {
      if (key.signsFrom() != null && key.retiredAt() == null && !key.kid().equals(next.kid())) {
        retired.add(key.kid());
      }
    }
    return new Plan(next.kid(), signsFrom, List.copyOf(retired));
  }
}
