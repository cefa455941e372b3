-- Extra AMQP headers of a row: a consumer's delayed retry or parked message is re-sent through the
-- outbox (durably, after a delay) with its attempt count, error and original sender.
ALTER TABLE outbox ADD COLUMN headers jsonb;
-- The retention jobs delete by age: these indexes keep that a range scan.
CREATE INDEX outbox_sent_age ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX inbox_age ON inbox (received_at);
