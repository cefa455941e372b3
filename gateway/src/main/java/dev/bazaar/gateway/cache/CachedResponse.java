package dev.bazaar.gateway.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A stored 200 response.
 *
 * @param headers the upstream's end-to-end headers, with the ETag set
 * @param body the body
 * @param etag the strong ETag clients see, quoted
 * @param validator the upstream's own ETag, sent back in {@code If-None-Match} to revalidate;
 *     {@code null} when the upstream sent none (it cannot answer 304 then)
 * @param validatedAtNanos when the upstream last sent or confirmed it, for freshness and {@code
 *     Age}
 */
record CachedResponse(
    MultiMap headers, Buffer body, String etag, String validator, long validatedAtNanos) {

  CachedResponse revalidated(MultiMap updated, long nowNanos) {
    return new CachedResponse(updated, body, etag, validator, nowNanos);
  }
}
