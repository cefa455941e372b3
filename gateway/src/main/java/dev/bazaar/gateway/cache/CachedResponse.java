package dev.bazaar.gateway.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A stored 200 response.
 *
 * @param headers the upstream's end-to-end headers, with the ETag set
 * @param body the body
 * @param etag the strong ETag, quoted
 * @param storedAtNanos when it was stored, for {@code Age}
 */
record CachedResponse(MultiMap headers, Buffer body, String etag, long storedAtNanos) {}
