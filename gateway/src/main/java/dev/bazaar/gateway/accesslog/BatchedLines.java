package dev.bazaar.gateway.accesslog;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Writes whole lines to a channel (the gateway's standard output) in batches instead of one write
 * per line. A line written on an event loop goes into that loop's buffer; the first line of a batch
 * schedules the batch's write on the same loop after {@code flushDelay}, and a batch that grows
 * past {@link #FLUSH_BYTES} is written at once. Under load a write carries a few hundred lines; a
 * lone request's line is out after {@code flushDelay}. Lines from other threads are written
 * immediately.
 *
 * <p>Each write carries whole lines only, so lines from other writers of the same file descriptor
 * (the console log handler) never end up in the middle of one. {@link #flushAll} writes what is
 * pending at shutdown and from then on writes each batch at the end of its event-loop turn, so that
 * the lines of requests finishing during shutdown are not left in a timer that never fires. A
 * failed write drops the lines of that batch and is counted ({@link #failedWrites()}); the gateway
 * keeps serving.
 */
final class BatchedLines {

  static final int FLUSH_BYTES = 64 * 1024;

  private static final Logger LOG = Logger.getLogger(BatchedLines.class);

  private final WritableByteChannel out;
  private final long flushDelayNanos;
  private final ThreadLocal<Batch> batches;
  private final Set<Batch> allBatches = ConcurrentHashMap.newKeySet();
  private final AtomicLong failedWrites = new AtomicLong();
  private volatile boolean closing;

  BatchedLines(WritableByteChannel out, long flushDelayNanos) {
    this.out = out;
    this.flushDelayNanos = flushDelayNanos;
    this.batches =
        ThreadLocal.withInitial(
            () -> {
              Batch batch = new Batch();
              allBatches.add(batch);
              return batch;
            });
  }

  /** Adds one line (without its newline, which is added here) and arranges its write. */
  void write(JsonLine line) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && Context.isOnEventLoopThread()) {
      Batch batch = batches.get();
      synchronized (batch) {
        boolean first = batch.buffer.length() == 0;
        batch.buffer.append(line);
        batch.buffer.raw('\n');
        if (batch.buffer.length() >= FLUSH_BYTES) {
          batch.flush();
        } else if (first) {
          schedule(internal.nettyEventLoop(), batch);
        }
      }
      return;
    }
    JsonLine single = new JsonLine(line.length() + 1);
    single.append(line);
    single.raw('\n');
    writeFully(single);
  }

  /**
   * Writes every pending batch now, from whichever thread; later batches are written at the end of
   * their event-loop turn rather than after the delay. For shutdown.
   */
  void flushAll() {
    closing = true;
    for (Batch batch : allBatches) {
      synchronized (batch) {
        batch.flush();
      }
    }
  }

  long failedWrites() {
    return failedWrites.get();
  }

  private void schedule(EventLoop loop, Batch batch) {
    try {
      if (closing || flushDelayNanos <= 0) {
        loop.execute(batch::flushLocked);
      } else {
        loop.schedule(batch::flushLocked, flushDelayNanos, TimeUnit.NANOSECONDS);
      }
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

  /**
   * One event loop's pending lines. Its own loop appends and writes; {@link #flushAll} may write
   * from another thread at shutdown, so access goes through the batch's monitor (uncontended
   * otherwise).
   */
  private final class Batch {
    final JsonLine buffer = new JsonLine(16 * 1024);

    void flushLocked() {
      synchronized (this) {
        flush();
      }
    }

    /** Called with the monitor held. */
    void flush() {
      if (buffer.length() == 0) {
        return;
      }
      writeFully(buffer);
      buffer.clear();
    }
  }
}
