-- Transactional outbox: business code inserts here in its own transaction; only the relay publishes.
CREATE TABLE outbox (
    id              uuid PRIMARY KEY,
    exchange        text        NOT NULL,
    routing_key     text        NOT NULL,
    message_type    text        NOT NULL,
    schema_version  integer     NOT NULL,
    occurred_at     timestamptz NOT NULL,
    traceparent     text,
    request_id      text,
    payload         jsonb       NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    sent_at         timestamptz
);
-- The relay only ever scans unsent rows.
CREATE INDEX outbox_unsent ON outbox (next_attempt_at, occurred_at) WHERE sent_at IS NULL;

-- Inbox: one row per handled message and consumer; the insert is the dedupe (unique key).
CREATE TABLE inbox (
    message_id  uuid        NOT NULL,
    consumer    text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, consumer)
);
