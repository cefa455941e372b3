package dev.bazaar.gateway.accesslog;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Writes whole lines to a channel (the gateway's standard output) with one write per event-loop
 * turn instead of one per line. A line written on an event loop goes into that loop's buffer; the
 * first line of a turn schedules a flush task, which Netty runs right after the turn's I/O, so a
 * line reaches the channel within the same turn that produced it. A buffer that grows past {@link
 * #FLUSH_BYTES} is written at once. Lines from other threads are written immediately under a lock.
 *
 * <p>Each write carries whole lines only, so lines from other writers of the same file descriptor
 * (the console log handler) never end up in the middle of one. A failed write drops the lines of
 * that batch and is counted ({@link #failedWrites()}); the gateway keeps serving.
 */
final class BatchedLines {

  static final int FLUSH_BYTES = 64 * 1024;

  private static final Logger LOG = Logger.getLogger(BatchedLines.class);

  private final WritableByteChannel out;
  private final ThreadLocal<Batch> batches = ThreadLocal.withInitial(Batch::new);
  private final AtomicLong failedWrites = new AtomicLong();

  BatchedLines(WritableByteChannel out) {
    this.out = out;
  }

  /** Adds one line (without its newline, which is added here) and arranges its write. */
  void write(JsonLine line) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && Context.isOnEventLoopThread()) {
      Batch batch = batches.get();
      boolean first = batch.buffer.length() == 0;
      batch.buffer.append(line);
      batch.buffer.raw('\n');
      if (batch.buffer.length() >= FLUSH_BYTES) {
        batch.flush();
      } else if (first) {
        schedule(internal.nettyEventLoop(), batch);
      }
      return;
    }
    synchronized (this) {
      JsonLine single = new JsonLine(line.length() + 1);
      single.append(line);
      single.raw('\n');
      writeFully(single);
    }
  }

  long failedWrites() {
    return failedWrites.get();
  }

  private void schedule(EventLoop loop, Batch batch) {
    try {
      loop.execute(batch::flush);
    } catch (RejectedExecutionException shuttingDown) {
      batch.flush();
    }
  }

  private void writeFully(JsonLine lines) {
    ByteBuffer buffer = ByteBuffer.wrap(lines.bytes(), 0, lines.length());
    try {
      synchronized (out) {
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (failedWrites.getAndIncrement() == 0) {
        LOG.warnf("access-log lines could not be written and were dropped: %s", e.toString());
      }
    }
  }

  /** One event loop's pending lines; touched only by that loop's thread. */
  private final class Batch {
    final JsonLine buffer = new JsonLine(16 * 1024);

    void flush() {
      if (buffer.length() == 0) {
        return;
      }
      writeFully(buffer);
      buffer.clear();
    }
  }
}
