package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bazaar.launcher.infra.AdminPassword;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.Phase;
import dev.bazaar.launcher.state.StateFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keys rotate} against a fake gateway that answers like users does behind the real one: the
 * login, the rotation, and each way they can fail.
 */
class KeysCommandTest {
  static final String PASSWORD = "adm1n-pa55word-from-the-file";
  static final String TOKEN = "header.claims.signature";

  @TempDir Path data;

  HttpServer gateway;
  final List<String> seen = new CopyOnWriteArrayList<>();
  volatile int loginStatus = 200;
  volatile int rotateStatus = 200;
  volatile String rotationAnswer =
      "{\"kid\":\"kid-new\",\"signsFrom\":\"2026-01-01T00:00:00Z\",\"retired\":[\"kid-old\"],"
          + "\"next\":\"kid-next\"}";

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void startFakeGateway() throws IOException {
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/api/v1/auth/token",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add("login " + body);
          if (loginStatus == 200 && body.contains("\"" + PASSWORD + "\"")) {
            answer(ex, 200, "application/json", "{\"access_token\":\"" + TOKEN + "\"}");
          } else if (loginStatus == 429) {
            ex.getResponseHeaders().add("Retry-After", "8");
            answer(ex, 429, "application/problem+json", problem(429, "Too many failed logins"));
          } else {
            answer(ex, 401, "application/problem+json", problem(401, "Invalid credentials"));
          }
        });
    gateway.createContext(
        "/api/v1/admin/keys/rotate",
        ex -> {
          seen.add(
              ex.getRequestMethod()
                  + " rotate "
                  + ex.getRequestHeaders().getFirst("Authorization"));
          if (rotateStatus == 200
              && ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            answer(ex, 200, "application/json", rotationAnswer);
          } else {
            answer(ex, 403, "application/problem+json", problem(403, "Forbidden"));
          }
        });
    gateway.start();
    Files.writeString(data.resolve(AdminPassword.FILE), PASSWORD + "\n");
  }

  @AfterEach
  void stopFakeGateway() {
    gateway.stop(0);
  }

  static String problem(int status, String title) {
    return "{\"type\":\"https://bazaar.dev/problems/x\",\"title\":\""
        + title
        + "\",\"status\":"
        + status
        + ",\"detail\":\"said the fake gateway\"}";
  }

  static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  String gatewayUrl() {
    return "http://127.0.0.1:" + gateway.getAddress().getPort();
  }

  int run(Map<String, String> env, Set<Long> alivePids, String... args) {
    KeysCommand.Rotate rotate = new KeysCommand.Rotate();
    rotate.environment = env::get;
    rotate.processes = StatusCommandTest.alive(alivePids);
    CommandLine cli = new CommandLine(rotate);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  /** The state file of a launcher with pid {@code launcherPid} whose gateway listens on a port. */
  void writeState(long launcherPid, int gatewayPort) {
    new StateFile(data)
        .write(
            LauncherState.of(
                launcherPid,
                data.toString(),
                Instant.now(),
                List.of(
                    new InstanceState("users", "users-1", 10, 1, Phase.READY, 0),
                    new InstanceState("gateway", "gateway-1", 11, gatewayPort, Phase.READY, 0))));
  }

  int run(String... args) {
    return run(Map.of(), Set.of(), args);
  }

  @Test
  void logsInAsTheAdministratorWithThePasswordFileAndPrintsTheNewKeyId() {
    int code = run("--data-dir", data.toString(), "--gateway-url", gatewayUrl());

    assertThat(code).isZero();
    assertThat(out.toString().strip()).isEqualTo("kid-new");
    assertThat(err.toString())
        .contains(
            "new signing key kid-new; signs now; retired (verify their tokens until they expire):"
                + " kid-old; next key published: kid-next");
    assertThat(seen)
        .containsExactly(
            "login {\"email\":\"admin@bazaar.local\",\"password\":\"" + PASSWORD + "\"}",
            "POST rotate Bearer " + TOKEN);
  }

  @Test
  void aSwitchThatWaitsForItsKeysPublicationIsSaidWithItsMoment() {
    Instant switchAt = Instant.now().plusSeconds(95);
    rotationAnswer =
        "{\"kid\":\"kid-new\",\"signsFrom\":\""
            + switchAt
            + "\",\"retired\":[\"kid-old\"],\"next\":\"kid-next\"}";

    assertThat(run("--data-dir", data.toString(), "--gateway-url", gatewayUrl())).isZero();

    assertThat(out.toString().strip()).isEqualTo("kid-new");
    assertThat(err.toString())
        .containsPattern("new signing key kid-new; signs from " + switchAt + " \\(in 9[45] s,")
        .contains("kid-old")
        .contains("kid-next");
  }

  @Test
  void anAnswerWithoutTheScheduleOfAnOlderUsersStillNamesTheKeys() {
    rotationAnswer = "{\"kid\":\"kid-new\",\"retired\":[\"kid-old\"]}";

    assertThat(run("--data-dir", data.toString(), "--gateway-url", gatewayUrl())).isZero();

    assertThat(err.toString().strip())
        .isEqualTo(
            "new signing key kid-new; retired (verify their tokens until they expire): kid-old");
  }

  @Test
  void findsTheGatewayOfTheRunningSystemInTheStateFile() {
    writeState(4242, gateway.getAddress().getPort());

    assertThat(run(Map.of(), Set.of(4242L), "--data-dir", data.toString())).isZero();
    assertThat(out.toString().strip()).isEqualTo("kid-new");
  }

  @Test
  void theEnvironmentsPasswordWinsOverTheFileAsForUp() {
    Map<String, String> env = Map.of(AdminPassword.ENV, "another-password-entirely");
    int code = run(env, Set.of(), "--data-dir", data.toString(), "--gateway-url", gatewayUrl());

    assertThat(code).isEqualTo(KeysCommand.Rotate.FAILED);
    assertThat(seen).singleElement().asString().contains("another-password-entirely");
  }

  @Test
  void aRefusedLoginIsExitOneWithTheProblemAndNeverThePassword() {
    loginStatus = 401;
    int code = run("--data-dir", data.toString(), "--gateway-url", gatewayUrl());

    assertThat(code).isEqualTo(KeysCommand.Rotate.FAILED);
    assertThat(err.toString())
        .contains("administrator login (admin@bazaar.local) was refused: HTTP 401")
        .contains("Invalid credentials")
        .doesNotContain(PASSWORD);
    assertThat(out.toString()).isEmpty();
    assertThat(seen).noneMatch(s -> s.contains("rotate"));
  }

  @Test
  void aBackingOffAccountSaysWhenToRetry() {
    loginStatus = 429;
    assertThat(run("--data-dir", data.toString(), "--gateway-url", gatewayUrl()))
        .isEqualTo(KeysCommand.Rotate.FAILED);
    assertThat(err.toString()).contains("HTTP 429").contains("retry after 8 s");
  }

  @Test
  void aRefusedRotationIsExitOneWithTheProblemAndNeverTheToken() {
    rotateStatus = 403;
    int code = run("--data-dir", data.toString(), "--gateway-url", gatewayUrl());

    assertThat(code).isEqualTo(KeysCommand.Rotate.FAILED);
    assertThat(err.toString())
        .contains("key rotation was refused: HTTP 403 Forbidden: said the fake gateway")
        .doesNotContain(TOKEN);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void withoutARunningSystemItSaysSoAndExitsThree() {
    assertThat(run("--data-dir", data.toString())).isEqualTo(StatusCommand.NOT_RUNNING);
    assertThat(err.toString()).contains("Bazaar is not running");
    assertThat(seen).isEmpty();
  }

  @Test
  void aStateFileOfADeadLauncherIsNotRunning() {
    writeState(4242, gateway.getAddress().getPort());

    assertThat(run(Map.of(), Set.of(), "--data-dir", data.toString()))
        .isEqualTo(StatusCommand.NOT_RUNNING);
    assertThat(err.toString()).contains("Bazaar is not running");
  }

  @Test
  void aGatewayThatDoesNotAnswerIsNotRunning() {
    String url = gatewayUrl();
    gateway.stop(0);

    assertThat(run("--data-dir", data.toString(), "--gateway-url", url))
        .isEqualTo(StatusCommand.NOT_RUNNING);
    assertThat(err.toString()).contains("does not answer").doesNotContain(PASSWORD);
  }

  @Test
  void withoutAnAdministratorPasswordItSaysWhereOneWouldBe() throws IOException {
    Files.delete(data.resolve(AdminPassword.FILE));

    assertThat(run("--data-dir", data.toString(), "--gateway-url", gatewayUrl()))
        .isEqualTo(KeysCommand.Rotate.FAILED);
    assertThat(err.toString())
        .contains(AdminPassword.ENV)
        .contains(data.resolve(AdminPassword.FILE).toString());
    assertThat(seen).isEmpty();
  }

  @Test
  void keysIsACommandOfBazaar() {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.getSubcommands()).containsKey("keys");
    assertThat(cli.getSubcommands().get("keys").getSubcommands()).containsKey("rotate");
    assertThat(cli.execute("keys")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand: rotate");
  }
}
