-- Event store: the source of truth of every order. seq counts from 1 per order; appending with the
-- expected version is an INSERT of seq = version + 1, so a concurrent append hits the primary key.
CREATE TABLE order_events (
    order_id uuid        NOT NULL,
    seq      integer     NOT NULL CHECK (seq >= 1),
    type     text        NOT NULL,
    data     jsonb       NOT NULL,
    at       timestamptz NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- The orders table becomes the read model, updated in the transaction that appends the events.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders
    ADD COLUMN reason      text,
    ADD COLUMN version     integer     NOT NULL DEFAULT 1,
    ADD COLUMN deadline_at timestamptz,
    ADD COLUMN steps       jsonb       NOT NULL DEFAULT '[]';

-- Orders placed before the saga existed were accepted without reserving stock or charging; there is
-- nothing to compensate, so they become CONFIRMED with one Migrated event.
INSERT INTO order_events (order_id, seq, type, data, at)
SELECT o.id, 1, 'Migrated',
       jsonb_build_object(
           'customerId', o.customer_id,
           'lines', (SELECT jsonb_agg(jsonb_build_object(
                                'productId', l.product_id,
                                'name', l.name,
                                'quantity', l.quantity,
                                'unitPrice', jsonb_build_object('amount', l.unit_amount,
                                                                'currency', l.currency))
                            ORDER BY l.line_no)
                     FROM order_lines l WHERE l.order_id = o.id),
           'at', to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
       o.created_at
FROM orders o
WHERE o.status = 'PLACED';
UPDATE orders SET status = 'CONFIRMED' WHERE status = 'PLACED';

ALTER TABLE orders
    ADD CONSTRAINT orders_status_check CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED'));
-- The deadline poller scans only orders that wait for a reply.
CREATE INDEX orders_due ON orders (deadline_at) WHERE deadline_at IS NOT NULL;

-- Idempotency-Key of POST /api/v1/orders, per customer. Inserted in the transaction that creates
-- the order: a concurrent request with the same key hits the primary key and replays this row.
CREATE TABLE idempotency_keys (
    customer_id  uuid        NOT NULL,
    idem_key     text        NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
    request_hash text        NOT NULL,
    order_id     uuid        NOT NULL,
    response     text        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (customer_id, idem_key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
