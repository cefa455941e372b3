package dev.bazaar.gateway.upstream;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.config.UpstreamConfig;
import dev.bazaar.gateway.resilience.CircuitBreaker;
import dev.bazaar.gateway.upstream.discovery.DnsDiscovery;
import dev.bazaar.gateway.upstream.discovery.RegistryWatcher;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The upstreams by name. Names come from {@code bazaar.gateway.upstream.<name>} (a single base URL)
 * and {@code bazaar.gateway.upstreams.<name>.*} (discovery, balancing, resilience). Built at
 * start-up, off the event loops: the first registry read and DNS lookup happen here, later ones on
 * the discovery thread, health checks on Vert.x timers.
 */
@Startup
@Singleton
public class Upstreams {

  /** How often the registry file is read. */
  static final Duration REGISTRY_POLL = Duration.ofMillis(250);

  private final Map<String, Upstream> byName;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private ScheduledExecutorService discoveryThread;

  @Inject
  public Upstreams(GatewayConfig config, Vertx vertx, Clock clock) {
    this(config, vertx, clock, DnsDiscovery.Resolver.SYSTEM);
  }

  Upstreams(GatewayConfig config, Vertx vertx, Clock clock, DnsDiscovery.Resolver resolver) {
    Set<String> names = new TreeSet<>(config.upstream().keySet());
    names.addAll(config.upstreams().keySet());
    Map<String, Upstream> upstreams = new TreeMap<>();
    RegistryWatcher registry = null;
    HealthChecker health = null;
    for (String name : names) {
      UpstreamConfig uc = config.upstreams().get(name);
      BalancedUpstream upstream;
      try {
        UpstreamConfig.Discovery discovery = discoveryOf(name, uc, config);
        upstream =
            new BalancedUpstream(
                name,
                discovery.name().toLowerCase(java.util.Locale.ROOT),
                policy(uc),
                clock,
                ThreadLocalRandom::current);
        List<UpstreamEndpoint> fixed = staticEndpoints(name, uc, config);
        switch (discovery) {
          case STATIC -> {
            if (fixed.isEmpty()) {
              throw new IllegalArgumentException(
                  "needs a URL under bazaar.gateway.upstream."
                      + name
                      + " or bazaar.gateway.upstreams."
                      + name
                      + ".instances");
            }
            upstream.update(fixed);
          }
          case REGISTRY -> {
            if (config.registryFile().isEmpty()) {
              throw new IllegalArgumentException(
                  "discovery=registry needs bazaar.gateway.registry-file");
            }
            if (registry == null) {
              registry = new RegistryWatcher(config.registryFile().get());
              registry.start(discoveryThread(), REGISTRY_POLL);
              resources.add(registry);
            }
            String service = uc.service().orElse(name);
            BalancedUpstream target = upstream;
            registry.listen(
                byService -> {
                  List<UpstreamEndpoint> listed = byService.getOrDefault(service, List.of());
                  // Until the registry lists the service, the configured URL (if any) serves.
                  target.update(
                      listed.isEmpty() && !byService.containsKey(service) ? fixed : listed);
                });
          }
          case DNS -> {
            String dnsName =
                uc.dnsName()
                    .orElseThrow(
                        () -> new IllegalArgumentException("discovery=dns needs dns-name"));
            int port =
                uc.port()
                    .orElseThrow(() -> new IllegalArgumentException("discovery=dns needs port"));
            DnsDiscovery dns =
                new DnsDiscovery(dnsName, port, uc.ssl(), resolver, upstream::update);
            dns.start(discoveryThread(), uc.dnsRefresh());
            resources.add(dns);
          }
        }
      } catch (IllegalArgumentException e) {
        close();
        throw new IllegalArgumentException(
            "bazaar.gateway.upstreams." + name + ": " + e.getMessage(), e);
      }
      if (health == null) {
        health = new HealthChecker(vertx, healthClient(vertx), clock);
        resources.add(health);
      }
      health.watch(upstream);
      upstreams.put(name, upstream);
    }
    this.byName = Map.copyOf(upstreams);
  }

  /** Static upstreams with default policies and no health checks (tests, tools). */
  public Upstreams(Map<String, URI> baseUrls) {
    Map<String, Upstream> upstreams = new TreeMap<>();
    baseUrls.forEach(
        (name, url) -> {
          try {
            BalancedUpstream upstream =
                new BalancedUpstream(
                    name,
                    "static",
                    UpstreamPolicy.defaults(),
                    Clock.systemUTC(),
                    ThreadLocalRandom::current);
            upstream.update(List.of(UpstreamEndpoint.of(url)));
            upstreams.put(name, upstream);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "bazaar.gateway.upstream." + name + ": " + e.getMessage(), e);
          }
        });
    this.byName = Map.copyOf(upstreams);
  }

  static UpstreamConfig.Discovery discoveryOf(
      String name, UpstreamConfig uc, GatewayConfig config) {
    if (uc.discovery().isPresent()) {
      return uc.discovery().get();
    }
    if (uc.instances().isPresent()) {
      return UpstreamConfig.Discovery.STATIC;
    }
    if (uc.dnsName().isPresent()) {
      return UpstreamConfig.Discovery.DNS;
    }
    if (config.registryFile().isPresent()) {
      return UpstreamConfig.Discovery.REGISTRY;
    }
    return UpstreamConfig.Discovery.STATIC;
  }

  private static List<UpstreamEndpoint> staticEndpoints(
      String name, UpstreamConfig uc, GatewayConfig config) {
    List<URI> urls = new ArrayList<>();
    if (uc.instances().isPresent()) {
      urls.addAll(uc.instances().get());
    } else if (config.upstream().containsKey(name)) {
      urls.add(config.upstream().get(name));
    }
    return urls.stream().map(UpstreamEndpoint::of).toList();
  }

  static UpstreamPolicy policy(UpstreamConfig uc) {
    UpstreamConfig.Outlier o = uc.outlier();
    UpstreamConfig.HealthCheck h = uc.healthCheck();
    UpstreamConfig.Breaker b = uc.breaker();
    return new UpstreamPolicy(
        uc.lb(),
        new InstancePolicy(
            o.consecutiveFailures(),
            o.baseEjectionTime(),
            o.maxEjectionTime(),
            o.slowStart(),
            h.unhealthyThreshold(),
            h.healthyThreshold()),
        new CircuitBreaker.Settings(
            b.windowSize(),
            b.minimumCalls(),
            b.failureRatio(),
            b.openDuration(),
            b.halfOpenProbes()),
        new UpstreamPolicy.HealthCheck(h.enabled(), h.path(), h.interval(), h.timeout()),
        uc.connectTimeout(),
        uc.readTimeout(),
        uc.retry().maxAttempts(),
        uc.retry().budgetRatio(),
        uc.retry().budgetMaxTokens());
  }

  private ScheduledExecutorService discoveryThread() {
    if (discoveryThread == null) {
      discoveryThread =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "bazaar-gateway-discovery");
                t.setDaemon(true);
                return t;
              });
    }
    return discoveryThread;
  }

  private static HttpClient healthClient(Vertx vertx) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout(1000)
            .setName("bazaar-gateway-health"),
        new PoolOptions().setHttp1MaxSize(2));
  }

  @PreDestroy
  void close() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // shutting down: nothing left to do about it
      }
    }
    if (discoveryThread != null) {
      discoveryThread.shutdownNow();
    }
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public Set<String> names() {
    return new TreeMap<>(byName).keySet();
  }

  public Upstream get(String name) {
    Upstream upstream = byName.get(name);
    if (upstream == null) {
      throw new NoSuchElementException("no upstream named " + name);
    }
    return upstream;
  }

  /** Every upstream, for read-only views such as {@link UpstreamStates}. */
  public List<Upstream> all() {
    return List.copyOf(new TreeMap<>(byName).values());
  }
}
