package dev.bazaar.gateway.upstream.discovery;

import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Finds the instances behind a DNS name, such as a Kubernetes headless service whose name resolves
 * to one A record per ready pod. Resolves all addresses of the name every {@code refresh} on the
 * discovery thread (the lookup blocks, so never on an event loop). A failed lookup keeps the last
 * known instances: a flaky DNS server must not empty the upstream.
 */
public final class DnsDiscovery implements AutoCloseable {

  /** Looks a name up; the JDK resolver by default, a stub in tests. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolveAll(String name) throws UnknownHostException;

    Resolver SYSTEM = name -> Arrays.asList(InetAddress.getAllByName(name));
  }

  private static final Logger LOG = Logger.getLogger(DnsDiscovery.class);

  private final String name;
  private final int port;
  private final boolean ssl;
  private final Resolver resolver;
  private final Consumer<List<UpstreamEndpoint>> listener;
  private List<UpstreamEndpoint> last;
  private ScheduledFuture<?> task;

  public DnsDiscovery(
      String name,
      int port,
      boolean ssl,
      Resolver resolver,
      Consumer<List<UpstreamEndpoint>> listener) {
    this.name = name;
    this.port = port;
    this.ssl = ssl;
    this.resolver = resolver;
    this.listener = listener;
  }

  /** Resolves once now, then every {@code refresh} on {@code executor}. */
  public synchronized void start(ScheduledExecutorService executor, Duration refresh) {
    refresh();
    task =
        executor.scheduleWithFixedDelay(
            this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One lookup; tells the listener when the set of addresses changed. */
  public synchronized void refresh() {
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolveAll(name);
    } catch (UnknownHostException e) {
      LOG.warnf("cannot resolve %s, keeping %s: %s", name, last, e.getMessage());
      return;
    }
    List<UpstreamEndpoint> endpoints = new ArrayList<>();
    for (InetAddress address : addresses) {
      endpoints.add(new UpstreamEndpoint(address.getHostAddress(), port, ssl, ""));
    }
    endpoints.sort(Comparator.comparing(UpstreamEndpoint::host));
    List<UpstreamEndpoint> next = List.copyOf(endpoints);
    if (next.equals(last)) {
      return;
    }
    last = next;
    LOG.debugf("%s resolves to %s", name, next);
    listener.accept(next);
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
