package dev.bazaar.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production access-log line (hand-built JSON) and its batched writer. */
class JsonAccessLogTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static JsonObject line(
      String path, String route, String upstream, String requestId, boolean completed) {
    JsonLine line = new JsonLine(16);
    AccessLog.writeJson(
        line,
        Instant.parse("2026-11-25T16:58:12.712110985Z"),
        "vert.x-eventloop-thread-0",
        new AccessLog.Entry(
            "GET",
            path,
            route,
            upstream,
            200,
            100,
            27,
            requestId,
            "38323171c1140aa9de56442c80fdfd1f",
            completed));
    return new JsonObject(line.toString());
  }

  @Test
  void aLineHasTheConsoleLogLayoutWithTheFieldsAsMdcStrings() {
    JsonObject json = line("/api/v1/products/42", "products", "catalog", "rid-1", true);

    assertThat(json.fieldNames())
        .containsExactly("timestamp", "loggerName", "level", "message", "threadName", "mdc");
    assertThat(json.getString("timestamp")).isEqualTo("2026-11-25T16:58:12.712110Z");
    assertThat(json.getString("loggerName")).isEqualTo("bazaar.access");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("message"))
        .isEqualTo("GET /api/v1/products/42 -> catalog 200 100B 27ms rid=rid-1");
    assertThat(json.getString("threadName")).isEqualTo("vert.x-eventloop-thread-0");
    JsonObject mdc = json.getJsonObject("mdc");
    assertThat(mdc.getMap())
        .containsExactly(
            java.util.Map.entry("ts", "2026-11-25T16:58:12.712110Z"),
            java.util.Map.entry("method", "GET"),
            java.util.Map.entry("path", "/api/v1/products/42"),
            java.util.Map.entry("route", "products"),
            java.util.Map.entry("upstream", "catalog"),
            java.util.Map.entry("status", "200"),
            java.util.Map.entry("bytesOut", "100"),
            java.util.Map.entry("latencyMs", "27"),
            java.util.Map.entry("requestId", "rid-1"),
            java.util.Map.entry("traceId", "38323171c1140aa9de56442c80fdfd1f"));
  }

  @Test
  void unroutedAndAbortedRequestsLeaveOutOrAddFields() {
    JsonObject mdc = line("/api/v1/nowhere", null, null, null, false).getJsonObject("mdc");

    assertThat(mdc.fieldNames()).doesNotContain("route", "upstream", "requestId");
    assertThat(mdc.getString("aborted")).isEqualTo("true");
  }

  @Test
  void clientControlledTextIsEscapedAndKeepsItsCharacters() {
    String path = "/api/v1/products/\"quoted\"\\back\u0001ctl/\u00e9t\u00e9/\u20ac/\ud83d\ude00";
    JsonObject json = line(path, "products", "catalog", "rid-2", true);

    assertThat(json.getJsonObject("mdc").getString("path")).isEqualTo(path);
    assertThat(json.getString("message")).contains(path);
  }

  @Test
  void aLoneSurrogateBecomesTheReplacementCharacter() {
    JsonObject json = line("/api/x\ud800y", "products", "catalog", "rid-3", true);

    assertThat(json.getJsonObject("mdc").getString("path")).isEqualTo("/api/x\ufffdy");
  }

  @Test
  void timestampsKeepZeroSecondsAndMicroseconds() {
    JsonLine line = new JsonLine(8);
    line.timestamp(Instant.parse("2026-11-25T17:00:00Z"));
    line.raw(' ').timestamp(Instant.parse("2026-11-25T17:00:00.000042999Z"));
    line.raw(' ').timestamp(Instant.parse("2026-11-25T17:00:01.5Z"));

    assertThat(line.toString())
        .isEqualTo(
            "\"2026-11-25T17:00:00.000000Z\" \"2026-11-25T17:00:00.000042Z\""
                + " \"2026-11-25T17:00:01.500000Z\"");
  }

  /** Writes {@code count} numbered lines in one event-loop turn. */
  private void writeInOneTurn(BatchedLines out, int from, int count) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          for (int i = from; i < from + count; i++) {
            JsonLine line = new JsonLine(8);
            line.raw('{').field("n", Integer.toString(i)).raw('}');
            out.write(line);
          }
          done.complete(null);
        });
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void linesWaitForTheFlushDelayThenLeaveInOneWriteAsWholeLines() throws Exception {
    RecordingChannel channel = new RecordingChannel();
    BatchedLines out = new BatchedLines(channel, TimeUnit.SECONDS.toNanos(1));

    writeInOneTurn(out, 0, 100);
    assertThat(channel.writes).as("before the delay").isEmpty();
    awaitBytes(channel, 100);

    assertThat(channel.writes).hasSize(1);
    String[] lines = channel.text().split("\n", -1);
    assertThat(lines).hasSize(101);
    assertThat(lines[100]).isEmpty();
    for (int i = 0; i < 100; i++) {
      assertThat(new JsonObject(lines[i]).getString("n")).isEqualTo(Integer.toString(i));
    }
  }

  @Test
  void atShutdownPendingLinesAreWrittenAtOnceAndLaterOnesAtTheEndOfTheirTurn() throws Exception {
    RecordingChannel channel = new RecordingChannel();
    BatchedLines out = new BatchedLines(channel, TimeUnit.HOURS.toNanos(1));
    writeInOneTurn(out, 0, 3);
    assertThat(channel.writes).isEmpty();

    out.flushAll();
    assertThat(channel.text()).isEqualTo("{\"n\":\"0\"}\n{\"n\":\"1\"}\n{\"n\":\"2\"}\n");

    writeInOneTurn(out, 3, 1);
    awaitBytes(channel, 4);
    assertThat(channel.writes).hasSize(2);
    assertThat(channel.writes.get(1)).isEqualTo("{\"n\":\"3\"}\n");
  }

  @Test
  void aBatchPastTheFlushSizeIsWrittenAtOnceAndOtherThreadsWriteDirectly() throws Exception {
    RecordingChannel channel = new RecordingChannel();
    BatchedLines out = new BatchedLines(channel, TimeUnit.HOURS.toNanos(1));
    String big = "x".repeat(BatchedLines.FLUSH_BYTES);
    CompletableFuture<Integer> writesInTurn = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          JsonLine line = new JsonLine(8);
          line.raw('{').field("big", big).raw('}');
          out.write(line);
          writesInTurn.complete(channel.writes.size());
        });
    assertThat(writesInTurn.get(5, TimeUnit.SECONDS)).isEqualTo(1);

    JsonLine fromWorker = new JsonLine(8);
    fromWorker.raw("{}");
    out.write(fromWorker);
    assertThat(channel.writes).hasSize(2);
    assertThat(channel.writes.get(1)).isEqualTo("{}\n");
  }

  @Test
  void aFailingOutputDropsTheLinesAndCountsInsteadOfThrowing() {
    BatchedLines out =
        new BatchedLines(
            new RecordingChannel() {
              @Override
              public int write(ByteBuffer src) throws IOException {
                throw new IOException("Broken pipe");
              }
            },
            0);
    JsonLine line = new JsonLine(8);
    line.raw("{}");

    out.write(line);
    out.write(line);

    assertThat(out.failedWrites()).isEqualTo(2);
  }

  private static void awaitBytes(RecordingChannel channel, int lines) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (channel.text().split("\n").length < lines && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** Keeps each write separately. */
  private static class RecordingChannel implements WritableByteChannel {
    final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      byte[] bytes = new byte[n];
      src.get(bytes);
      synchronized (all) {
        all.write(bytes);
      }
      writes.add(new String(bytes, StandardCharsets.UTF_8));
      return n;
    }

    String text() {
      synchronized (all) {
        return all.toString(StandardCharsets.UTF_8);
      }
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
