package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge attacked through a running {@code bazaar up} with the gateway's limits as shipped (the
 * other system tests lift the registration limit; this one must not): a registration flood from one
 * address, and request smuggling over raw sockets, proven harmless by what the services' own access
 * logs ({@code <data>/logs/<service>.log}) never recorded.
 */
class EdgeAttacksIT {

  static BazaarSystem system;

  @BeforeAll
  static void up() throws Exception {
    system = BazaarSystem.onConfiguredInfra("edge-attacks").withShippedLimits();
    system.up();
  }

  @AfterAll
  static void down() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  // --- registration flood -----------------------------------------------------------------------

  /** The policy of docs/security.md: 10 registrations per minute per client IP. */
  static final int REGISTRATIONS_PER_MINUTE = 10;

  static final int FLOOD = 200;

  /**
   * 200 registrations from one address: the first 10 are accepted, the rest (but for what the
   * bucket refills meanwhile) get 429 problem+json with {@code Retry-After} from the gateway, and
   * users spends on the whole flood a fraction of the CPU that 200 accepted registrations (200
   * bcrypt hashes) would cost it, measured from its {@code /proc/<pid>/stat}.
   */
  @Test
  void aRegistrationFloodFromOneAddressIsCutOffAndCostsUsersLittleCpu() throws Exception {
    long users = system.pidOf("users");

    // What one accepted registration costs users here, from another address (another bucket):
    // one to warm up, then five measured.
    Api calibration = new Api(system.gateway(), InetAddress.getByName("127.0.0.4"));
    assertThat(register(calibration, "warm-up").status()).isEqualTo(201);
    long before = cpuTicks(users);
    for (int i = 0; i < 5; i++) {
      assertThat(register(calibration, "calibration " + i).status()).isEqualTo(201);
    }
    double perRegistration = Math.max(1, cpuTicks(users) - before) / 5.0;

    Api flooder = new Api(system.gateway(), InetAddress.getByName("127.0.0.3"));
    List<Api.Reply> replies = new ArrayList<>();
    long started = System.nanoTime();
    long cpuBefore = cpuTicks(users);
    for (int i = 0; i < FLOOD; i++) {
      replies.add(register(flooder, "flood " + i));
    }
    long floodTicks = cpuTicks(users) - cpuBefore;
    double seconds = (System.nanoTime() - started) / 1e9;

    List<Integer> statuses = replies.stream().map(Api.Reply::status).toList();
    long accepted = statuses.stream().filter(s -> s == 201).count();
    // A bucket of 10 that refills 10 per minute: at most one more per 6 s of flood.
    long refilled = (long) Math.ceil(seconds * REGISTRATIONS_PER_MINUTE / 60.0);
    assertThat(statuses.subList(0, REGISTRATIONS_PER_MINUTE))
        .as("the first 10 pass")
        .containsOnly(201);
    assertThat(accepted)
        .as("accepted of %d in %.1f s: %s", FLOOD, seconds, statuses)
        .isBetween((long) REGISTRATIONS_PER_MINUTE, REGISTRATIONS_PER_MINUTE + refilled);
    assertThat(statuses).as("only 201 and 429").containsOnly(201, 429);
    for (Api.Reply r : replies) {
      if (r.status() == 429) {
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("status").asInt()).isEqualTo(429);
        assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
      }
    }

    double hashesWorth = floodTicks / perRegistration;
    System.out.printf(
        "registration flood: %d accepted of %d in %.1f s; users spent %d ms CPU, the cost of %.1f"
            + " registrations (one: %.0f ms)%n",
        accepted,
        FLOOD,
        seconds,
        floodTicks * 1000 / clockTicksPerSecond(),
        hashesWorth,
        perRegistration * 1000 / clockTicksPerSecond());
    // The accepted ones cost what they cost; the refused ones must cost (next to) nothing. A
    // quarter of the unlimited flood's cost leaves room for a busy machine and a GC.
    assertThat(hashesWorth)
        .as(
            "users' CPU over the flood, in accepted registrations (%d ticks, %.1f per"
                + " registration)",
            floodTicks, perRegistration)
        .isLessThan(FLOOD / 4.0);
  }

  static Api.Reply register(Api api, String name) throws Exception {
    return api.post(
        "/api/v1/users",
        Map.of(
            "email",
            "flood-" + UUID.randomUUID() + "@example.com",
            "password",
            "s3cret-pass",
            "name",
            name),
        null);
  }

  /** User plus system CPU time of {@code pid} so far, in clock ticks ({@code /proc/<pid>/stat}). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name, which is in parentheses and may hold spaces: state is the
    // first, utime the 12th and stime the 13th (proc(5) fields 14 and 15).
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      return Long.parseLong(new String(p.getInputStream().readAllBytes()).strip());
    } catch (IOException | RuntimeException e) {
      return 100;
    }
  }

  // --- request smuggling ------------------------------------------------------------------------

  private static final String M1 = "{M1}";
  private static final String M2 = "{M2}";

  /**
   * Paths under {@code /api/v1/auth} go to users on the default policy, need no token and are
   * written to users' access log whatever users answers, so every request that reaches users leaves
   * its path there.
   */
  private static final String TRACED = "/api/v1/auth/";

  /** A complete second request right behind the first: what a smuggler wants an upstream to see. */
  private static final String SMUGGLED = "GET " + TRACED + M2 + " HTTP/1.1\r\nHost: gw\r\n\r\n";

  /**
   * The framings of the gateway's {@code StrictFramingTest}, now aimed through the launcher's
   * gateway at users: CL.TE, TE.CL, unknown and obfuscated codings, duplicate and invalid lengths,
   * a missing Host, obs-fold, bare LF.
   */
  static Stream<Arguments> framings() {
    String post = "POST " + TRACED + M1 + " HTTP/1.1\r\nHost: gw\r\n";
    String get = "GET " + TRACED + M1 + " HTTP/1.1\r\n";
    return Stream.of(
        Arguments.of(
            "CL.TE",
            post + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG" + SMUGGLED),
        Arguments.of(
            "TE.CL",
            post
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(SMUGGLED.length())
                + "\r\n"
                + SMUGGLED
                + "\r\n0\r\n\r\n"),
        Arguments.of(
            "xchunked with Content-Length",
            post + "Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "xchunked alone", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "chunked not the final coding",
            post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "Transfer-Encoding twice",
            post
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"
                + SMUGGLED),
        Arguments.of(
            "Transfer-Encoding : chunked (space before the colon)",
            post + "Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "Transfer-Encoding in HTTP/1.0",
            post.replace("HTTP/1.1", "HTTP/1.0")
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + SMUGGLED),
        Arguments.of(
            "two different Content-Lengths",
            post + "Content-Length: 4\r\nContent-Length: 40\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "two equal Content-Lengths",
            post + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("a Content-Length list", post + "Content-Length: 4, 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("a signed Content-Length", post + "Content-Length: +4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("a hex Content-Length", post + "Content-Length: 0x4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("no Host", get + "Accept: */*\r\n\r\n" + SMUGGLED),
        Arguments.of("two Hosts", get + "Host: gw\r\nHost: other\r\n\r\n" + SMUGGLED),
        Arguments.of("obs-fold", get + "Host: gw\r\nX-Folded: a\r\n b\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "obs-fold of Transfer-Encoding",
            post
                + "Content-Length: 4\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"
                + SMUGGLED),
        Arguments.of(
            "bare LF line ends", "GET " + TRACED + M1 + " HTTP/1.1\nHost: gw\n\n" + SMUGGLED),
        Arguments.of("one bare LF", get + "Host: gw\r\nX-A: b\nX-B: c\r\n\r\n" + SMUGGLED));
  }

  /**
   * Each ambiguous framing, with a second request smuggled behind it: the gateway answers 400
   * problem+json once, closes the connection, and users' access log never shows either request.
   * (That the log would show them is {@link #wellFramedRequestsOnOneConnectionBothReachUsers}.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("framings")
  void ambiguousFramingReachesNoService(String name, String template) throws Exception {
    String m1 = marker();
    String m2 = marker();
    Raw exchange = Raw.send(template.replace(M1, m1).replace(M2, m2));

    assertThat(exchange.status()).as(exchange.response()).isEqualTo(400);
    assertThat(exchange.responses())
        .as("one answer, not one per smuggled request: " + exchange.response())
        .isEqualTo(1);
    assertThat(exchange.response())
        .contains("Connection: close")
        .contains("application/problem+json");
    assertThat(exchange.closed()).as("the connection is closed").isTrue();

    // A request sent after the attack reaches users and is logged; once it is, the attack's
    // requests would have been logged before it.
    String after = marker();
    Raw control =
        Raw.send("GET " + TRACED + after + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
    assertThat(control.status()).as(control.response()).isNotEqualTo(400);
    awaitTrace(after);
    Thread.sleep(200);
    assertThat(traces(m1)).as("the request reached a service").isEmpty();
    assertThat(traces(m2)).as("the smuggled request reached a service").isEmpty();
  }

  /** The proof that the trace works: two well-framed requests on one connection are both logged. */
  @Test
  void wellFramedRequestsOnOneConnectionBothReachUsers() throws Exception {
    String m1 = marker();
    String m2 = marker();
    Raw exchange =
        Raw.send(
            "POST "
                + TRACED
                + m1
                + " HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"
                + "GET "
                + TRACED
                + m2
                + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
    assertThat(exchange.responses()).as(exchange.response()).isEqualTo(2);
    awaitTrace(m1);
    awaitTrace(m2);
  }

  static String marker() {
    return "smuggle-" + UUID.randomUUID();
  }

  /** The lines of every service log (not the gateway's) that mention {@code marker}. */
  static List<String> traces(String marker) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> logs = Files.list(system.dataDir.resolve("logs"))) {
      for (Path log : logs.filter(EdgeAttacksIT::serviceLog).toList()) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
          lines
              .filter(l -> l.contains(marker))
              .map(l -> log.getFileName() + ": " + l)
              .forEach(found::add);
        }
      }
    }
    return found;
  }

  static boolean serviceLog(Path log) {
    String name = log.getFileName().toString();
    return name.endsWith(".log")
        && Stream.of("users", "catalog", "orders", "payments", "notifications")
            .anyMatch(name::startsWith);
  }

  static void awaitTrace(String marker) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (traces(marker).isEmpty()) {
      assertThat(System.nanoTime())
          .as("users logged " + marker + " within 10 s")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** What one raw exchange with the gateway got back, and whether the gateway closed it. */
  record Raw(String response, boolean closed) {

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z]");

    static Raw send(String request) throws IOException {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", BazaarSystem.BASE_PORT), 5_000);
        socket.setSoTimeout(3_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        boolean closed;
        try {
          int n;
          while ((n = in.read(buf)) >= 0) {
            seen.write(buf, 0, n);
          }
          closed = true;
        } catch (SocketTimeoutException e) {
          closed = false;
        } catch (java.net.SocketException e) {
          closed = true; // a reset after the answer is a close as well
        }
        return new Raw(seen.toString(StandardCharsets.ISO_8859_1), closed);
      }
    }

    int status() {
      return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
    }

    int responses() {
      return (int) STATUS_LINE.matcher(response).results().count();
    }
  }
}
