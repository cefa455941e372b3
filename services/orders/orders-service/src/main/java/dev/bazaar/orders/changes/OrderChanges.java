package dev.bazaar.orders.changes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wakes the requests that wait for an order to change ({@code Prefer: wait}, the SSE stream). Every
 * committed change of an order row sends a PostgreSQL notification (migration V3's trigger); one
 * session per instance LISTENs, so a change made on any orders instance wakes waiters on all of
 * them, with no polling loop. A waiter only learns "this order changed"; it reads the order again.
 * While the listening session is down, notifications may be lost: after reconnecting, every waiter
 * is woken once to read again.
 */
@ApplicationScoped
public class OrderChanges {

  static final String CHANNEL = "bazaar_order_changed";

  private static final Logger LOG = Logger.getLogger(OrderChanges.class);

  /** A registration for one order's changes; close it when done waiting. */
  public final class Watch implements AutoCloseable {
    private final UUID orderId;
    private final Semaphore changed = new Semaphore(0);

    private Watch(UUID orderId) {
      this.orderId = orderId;
    }

    /**
     * Waits until the order changed since the last call (or since the watch began), the time is up,
     * or the service is stopping.
     *
     * @return true when something changed, false on timeout
     */
    public boolean await(Duration timeout) throws InterruptedException {
      if (stopping) {
        return false;
      }
      boolean signalled =
          changed.tryAcquire(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
      changed.drainPermits();
      return signalled && !stopping;
    }

    void signal() {
      changed.release();
    }

    @Override
    public void close() {
      Set<Watch> set = watches.get(orderId);
      if (set != null) {
        set.remove(this);
        if (set.isEmpty()) {
          watches.remove(orderId, set);
        }
      }
    }
  }

  @Inject DataSource dataSource;

  private final ConcurrentHashMap<UUID, Set<Watch>> watches = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile boolean listening;
  private Thread listener;

  void start(@Observes StartupEvent event) {
    listener = Thread.ofPlatform().daemon().name("orders-change-listener").start(this::listen);
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    // Waiting requests answer at once with the state they have; the stream closes.
    watches.values().forEach(set -> set.forEach(Watch::signal));
    if (listener != null) {
      listener.interrupt();
    }
  }

  /** Starts watching {@code orderId}; register before reading the order, so no change is missed. */
  public Watch watch(UUID orderId) {
    Watch w = new Watch(orderId);
    watches.computeIfAbsent(orderId, k -> ConcurrentHashMap.newKeySet()).add(w);
    return w;
  }

  /** True while the listening session is connected (readiness of the push path). */
  public boolean listening() {
    return listening;
  }

  /** Wakes the watchers of {@code orderId}; the listener calls it for each notification. */
  void changed(UUID orderId) {
    Set<Watch> set = watches.get(orderId);
    if (set != null) {
      set.forEach(Watch::signal);
    }
  }

  private void listen() {
    long backoffMillis = 100;
    boolean warned = false;
    while (!stopping) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        listening = true;
        backoffMillis = 100;
        if (warned) {
          LOG.info("listening for order changes again");
          warned = false;
        }
        // Changes made while not listening were not heard: let every waiter read again.
        watches.values().forEach(set -> set.forEach(Watch::signal));
        while (!stopping) {
          PGNotification[] notifications = pg.getNotifications(1000);
          if (notifications == null) {
            continue;
          }
          for (PGNotification n : notifications) {
            try {
              changed(UUID.fromString(n.getParameter()));
            } catch (IllegalArgumentException e) {
              LOG.debugf("ignoring notification %s", n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (stopping) {
          return;
        }
        if (!warned) {
          LOG.warnf("listening for order changes failed (%s); reconnecting", e.toString());
          warned = true;
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMillis = Math.min(2000, backoffMillis * 2);
      }
    }
    listening = false;
  }
}
