package dev.bazaar.gateway.ratelimit;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Buckets in Redis, so that several gateway instances enforce one limit: Bucket4j's
 * compare-and-swap over Lettuce's asynchronous API, nothing blocks. Redis being slow or gone must
 * not take the gateway with it, so every failure (no connection, a command timeout, an error) lets
 * the request through: fail open, counted in {@link #failOpens()} and logged at most every 10
 * seconds.
 */
public final class RedisRateLimiter implements RateLimiter {

  private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class);
  private static final Duration RECONNECT_BACKOFF = Duration.ofSeconds(1);
  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private final RedisClient client;
  private final RedisURI uri;
  private final String keyPrefix;
  private final Duration timeout;
  private final Clock clock;
  private final Runnable onFailOpen;
  private final LongAdder failOpens = new LongAdder();

  private volatile AsyncProxyManager<String> buckets;
  private StatefulRedisConnection<String, byte[]> connection;
  private CompletableFuture<AsyncProxyManager<String>> connecting;
  private Instant nextConnectAttempt = Instant.MIN;
  private Instant nextLog = Instant.MIN;

  /**
   * @param redisUrl e.g. {@code redis://127.0.0.1:6379/0}
   * @param keyPrefix put in front of every bucket key
   * @param timeout time allowed per bucket operation before the request passes unchecked
   * @param onFailOpen called once per request let through because Redis failed (a metric)
   */
  public RedisRateLimiter(
      String redisUrl, String keyPrefix, Duration timeout, Clock clock, Runnable onFailOpen) {
    this.uri = RedisURI.create(redisUrl);
    this.uri.setTimeout(timeout);
    this.keyPrefix = keyPrefix;
    this.timeout = timeout;
    this.clock = clock;
    this.onFailOpen = onFailOpen;
    this.client = RedisClient.create();
    this.client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // While disconnected, fail commands at once instead of queueing them.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
            .build());
    connect();
  }

  /** Completes once connected (or fails with the connect error); no new attempt is made for it. */
  public CompletionStage<Void> ready() {
    AsyncProxyManager<String> manager = buckets;
    if (manager != null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<AsyncProxyManager<String>> pending;
    synchronized (this) {
      pending = connecting;
    }
    return pending == null
        ? CompletableFuture.failedFuture(new IllegalStateException("not connected"))
        : pending.thenApply(m -> null);
  }

  /** Requests let through because Redis could not be asked. */
  public long failOpens() {
    return failOpens.sum();
  }

  @Override
  public CompletionStage<RateLimitDecision> tryConsume(RateLimitPolicy policy, String key) {
    AsyncProxyManager<String> manager = buckets;
    if (manager == null) {
      CompletableFuture<AsyncProxyManager<String>> pending = connect();
      if (pending == null) {
        return CompletableFuture.completedFuture(failOpen(null));
      }
      return pending
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .thenCompose(m -> consume(m, policy, key))
          .exceptionally(this::failOpen);
    }
    return consume(manager, policy, key).exceptionally(this::failOpen);
  }

  private CompletableFuture<RateLimitDecision> consume(
      AsyncProxyManager<String> manager, RateLimitPolicy policy, String key) {
    return manager
        .builder()
        .build(keyPrefix + key, policy::bucketFuture)
        .tryConsumeAndReturnRemaining(1)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(RateLimitDecision::of);
  }

  /** The connection under way or started now, or null when the last attempt failed just now. */
  private synchronized CompletableFuture<AsyncProxyManager<String>> connect() {
    if (buckets != null) {
      return CompletableFuture.completedFuture(buckets);
    }
    if (connecting != null) {
      return connecting;
    }
    Instant now = clock.instant();
    if (now.isBefore(nextConnectAttempt)) {
      return null;
    }
    nextConnectAttempt = now.plus(RECONNECT_BACKOFF);
    CompletableFuture<AsyncProxyManager<String>> attempt = new CompletableFuture<>();
    connecting = attempt;
    client
        .connectAsync(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri)
        .whenComplete(
            (conn, failure) -> {
              synchronized (this) {
                connecting = null;
                if (failure == null) {
                  connection = conn;
                  buckets =
                      Bucket4jLettuce.casBasedBuilder(conn)
                          .expirationAfterWrite(
                              ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                  Duration.ofSeconds(1)))
                          .build()
                          .asAsync();
                }
              }
              if (failure == null) {
                LOG.infof("rate limits are shared through Redis at %s", describe());
                attempt.complete(buckets);
              } else {
                attempt.completeExceptionally(failure);
              }
            });
    return attempt;
  }

  private RateLimitDecision failOpen(Throwable failure) {
    failOpens.increment();
    onFailOpen.run();
    boolean log;
    synchronized (this) {
      Instant now = clock.instant();
      log = !now.isBefore(nextLog);
      if (log) {
        nextLog = now.plus(LOG_EVERY);
      }
    }
    if (log) {
      LOG.warnf(
          "Redis at %s failed, letting requests through without a rate limit (%d so far): %s",
          describe(), failOpens.sum(), failure == null ? "not connected" : failure.toString());
    }
    return RateLimitDecision.UNENFORCED;
  }

  private String describe() {
    return uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, byte[]> conn;
    synchronized (this) {
      conn = connection;
    }
    if (conn != null) {
      conn.closeAsync();
    }
    client.shutdownAsync(0, 2, TimeUnit.SECONDS);
  }
}
