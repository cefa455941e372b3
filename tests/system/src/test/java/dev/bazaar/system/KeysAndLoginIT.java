package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity attacks through a running {@code bazaar up}: password guessing against one account from
 * two client identities (127.0.0.1 and 127.0.0.2, two clients to the gateway's per-IP limits) meets
 * the per-account back-off, the same for an unknown account; {@code bazaar keys rotate} rotates the
 * signing key end to end (old tokens keep working at the gateway and in another service, new ones
 * are signed with the new key and accepted once the gateway and the service refresh their JWKS);
 * the signing keys are stored encrypted in the users database.
 */
class KeysAndLoginIT {

  static BazaarSystem system;
  static Api api;

  @BeforeAll
  static void up() throws Exception {
    // Key rotation's timing, scaled down so that the rotation test waits ~25 s, not the default
    // 2 min: the pre-publication still covers users' reload plus the JWKS max-age
    // (docs/security.md).
    system =
        BazaarSystem.onConfiguredInfra(
            "keys-and-login",
            Map.of(
                "BAZAAR_USERS_KEYS_PRE_PUBLICATION", "25s",
                "BAZAAR_USERS_KEYS_RELOAD_INTERVAL", "5s",
                "BAZAAR_USERS_KEYS_JWKS_MAX_AGE", "15s"));
    system.up();
    api = new Api(system.gateway());
  }

  @AfterAll
  static void down() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  private static String kid(String token) throws Exception {
    return Api.JSON
        .readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]))
        .get("kid")
        .asText();
  }

  /** Twenty wrong passwords for {@code email}, alternating between the two clients. */
  private static List<Api.Reply> guess(String email, Api first, Api second) throws Exception {
    List<Api.Reply> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Api client = i % 2 == 0 ? first : second;
      replies.add(
          client.post(
              "/api/v1/auth/token", Map.of("email", email, "password", "guess-" + i), null));
    }
    return replies;
  }

  private static void assertSlowedDown(List<Api.Reply> replies, String what) {
    List<Integer> statuses = replies.stream().map(Api.Reply::status).toList();
    assertThat(statuses.subList(0, 5)).as(what + ": the free failures").containsOnly(401);
    // After five failures every attempt inside the back-off window is 429 and is not counted; on a
    // slow machine a window of 1 s, then 2 s, ... may lapse between two attempts, so a few more
    // wrong passwords may be checked, never most of them.
    assertThat(statuses.stream().filter(s -> s == 401).count())
        .as(what + ": passwords checked of 20: " + statuses)
        .isLessThanOrEqualTo(8);
    for (int parity = 0; parity < 2; parity++) {
      boolean backedOff = false;
      for (int i = 5 + parity; i < replies.size(); i += 2) {
        Api.Reply r = replies.get(i);
        assertThat(r.status()).as(what + ": attempt " + i).isIn(401, 429);
        if (r.status() == 429) {
          assertThat(r.json().get("type").asText()).endsWith("login-backoff");
          assertThat(r.header("Retry-After")).isNotNull();
          backedOff = true;
        }
      }
      assertThat(backedOff).as(what + ": client " + (parity + 1) + " was backed off").isTrue();
    }
  }

  @Test
  void loginGuessingFromTwoClientsSlowsTheAccountDownAlike() throws Exception {
    Api.Customer victim = api.newCustomer("Victim");
    Api first = new Api(system.gateway(), InetAddress.getByName("127.0.0.1"));
    Api second = new Api(system.gateway(), InetAddress.getByName("127.0.0.2"));

    List<Api.Reply> known = guess(victim.email(), first, second);
    assertSlowedDown(known, "known account");
    // Even the right password waits while the account backs off.
    Api.Reply right =
        second.post(
            "/api/v1/auth/token", Map.of("email", victim.email(), "password", "s3cret-pass"), null);
    assertThat(right.status()).as("the right password during the back-off").isEqualTo(429);

    List<Api.Reply> unknown = guess("nobody-" + UUID.randomUUID() + "@example.com", first, second);
    assertSlowedDown(unknown, "unknown account");
    assertThat(unknown.get(0).json().get("type").asText())
        .isEqualTo(known.get(0).json().get("type").asText());
    assertThat(unknown.get(0).json().get("detail").asText())
        .isEqualTo(known.get(0).json().get("detail").asText());

    // The back-off ends: once its wait is over, the owner gets in.
    long wait = Long.parseLong(right.header("Retry-After"));
    Thread.sleep((wait + 1) * 1000);
    assertThat(api.login(victim.email(), "s3cret-pass")).isNotBlank();
  }

  @Test
  void keysRotateRotatesEndToEndAndTheKeysAreEncryptedAtRest() throws Exception {
    Api.Customer before = api.newCustomer("Before");
    String oldKid = kid(before.token());

    BazaarSystem.Result rotated =
        system.run("keys", "rotate", "--data-dir", system.dataDir.toString());
    assertThat(rotated.exitCode()).as(rotated.output()).isZero();
    java.util.regex.Matcher said =
        java.util.regex.Pattern.compile("new signing key (\\S+?);").matcher(rotated.output());
    assertThat(said.find()).as(rotated.output()).isTrue();
    String newKid = said.group(1);
    assertThat(rotated.output().lines().map(String::strip)).contains(newKid);
    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(rotated.output()).contains("retired").contains(oldKid);

    // The old token still works at the gateway and in another service (orders verifies again).
    assertThat(api.get("/api/v1/users/me", before.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/orders", before.token()).status()).isEqualTo(200);

    // The new key was published before it signs (docs/security.md, "Key rotation"): it signs at
    // once when users has run for the pre-publication time (25 s here), else once it has been
    // published that long (the launcher says when); until then logins get the old key.
    java.util.concurrent.atomic.AtomicReference<String> after =
        new java.util.concurrent.atomic.AtomicReference<>();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(3))
        .pollInterval(java.time.Duration.ofMillis(500))
        .until(
            () -> {
              String token = api.login(before.email(), "s3cret-pass");
              assertThat(kid(token)).isIn(oldKid, newKid);
              after.set(token);
              return kid(token).equals(newKid);
            });
    // Every service accepts it at once: users (which checked the rotating administrator's token
    // against the JWKS moments before) and orders, behind the gateway.
    assertThat(api.get("/api/v1/users/me", after.get()).status()).as("users").isEqualTo(200);
    assertThat(api.get("/api/v1/orders", after.get()).status()).as("orders").isEqualTo(200);
    var jwks = api.get("/api/v1/auth/jwks", null).json().get("keys");
    List<String> published = new ArrayList<>();
    jwks.forEach(k -> published.add(k.get("kid").asText()));
    assertThat(published).contains(oldKid, newKid);

    // At rest: both private keys are ciphertext in the users database, not PKCS#8.
    try (Connection c = DriverManager.getConnection(BazaarSystem.pgUrl("bazaar_users"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kid, private_key FROM signing_keys")) {
      int rows = 0;
      while (rs.next()) {
        byte[] stored = rs.getBytes(2);
        assertThat(new String(stored, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
            .as("stored form of " + rs.getString(1))
            .isEqualTo("BZK1");
        rows++;
      }
      assertThat(rows).isGreaterThanOrEqualTo(2);
    }
    // The rotation also published the key for the next one.
    java.util.regex.Matcher next =
        java.util.regex.Pattern.compile("next key published: (\\S+)").matcher(rotated.output());
    assertThat(next.find()).as(rotated.output()).isTrue();
    assertThat(published).contains(next.group(1));
  }

  @Test
  void keysRotateWithAWrongPasswordFailsAndRotatesNothing() throws Exception {
    String kidBefore = kid(api.newCustomer("Someone").token());
    // The environment's password wins over the file, as for up.
    ProcessBuilder wrong =
        new ProcessBuilder(
                system.command("keys", "rotate", "--data-dir", system.dataDir.toString()))
            .redirectErrorStream(true);
    wrong.environment().put("BAZAAR_ADMIN_PASSWORD", "not-the-admin-password");
    Process q = wrong.start();
    String out = new String(q.getInputStream().readAllBytes());
    assertThat(q.waitFor()).as(out).isEqualTo(1);
    assertThat(out).contains("was refused: HTTP 401").doesNotContain("not-the-admin-password");
    assertThat(kid(api.newCustomer("Someone else").token())).isEqualTo(kidBefore);
  }
}
