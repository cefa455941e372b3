package dev.bazaar.gateway.fetch;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A complete, buffered upstream response.
 *
 * @param status the upstream's status code
 * @param headers its end-to-end headers
 * @param body its body, whole
 */
public record Fetched(int status, MultiMap headers, Buffer body) {}
