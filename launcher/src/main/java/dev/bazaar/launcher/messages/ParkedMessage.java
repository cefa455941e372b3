package dev.bazaar.launcher.messages;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One message on a parking queue, as {@code bazaar messages parked} shows it.
 *
 * @param id the AMQP message-id (the envelope id the inbox dedupes on); may be null for a message
 *     that was parked because it had none
 * @param queue the queue it was parked from and is replayed to
 * @param parkedQueue where it waits now
 * @param attempts failed attempts before it was parked (0 when unknown)
 * @param parkedAt ISO-8601 instant, or null for messages parked before the header existed
 */
@JsonPropertyOrder({"id", "type", "queue", "parkedQueue", "attempts", "parkedAt", "error"})
public record ParkedMessage(
    String id,
    String type,
    String queue,
    String parkedQueue,
    int attempts,
    String parkedAt,
    String error) {}
