-- One row per order: the primary key is what makes authorization idempotent per order. A row is a
-- charge attempt (PENDING, AUTHORIZED, DECLINED, REFUNDED) or a refund marker that arrived before
-- any authorization (VOIDED: no customer, no amount, never listed, and it declines a later
-- AuthorizePayment for the order).
CREATE TABLE payments (
    order_id    uuid        PRIMARY KEY,
    id          uuid        NOT NULL UNIQUE,
    customer_id uuid,
    amount      bigint,
    currency    text,
    token       text,
    status      text        NOT NULL
        CHECK (status IN ('PENDING', 'AUTHORIZED', 'DECLINED', 'REFUNDED', 'VOIDED')),
    reason      text,
    decide_at   timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    -- Every attempt has an owner; amount and token may be missing on one declined for lacking them.
    CHECK (status = 'VOIDED' OR customer_id IS NOT NULL),
    CHECK ((status = 'PENDING') = (decide_at IS NOT NULL))
);
-- The poller's scan: pending authorizations whose provider answer is due.
CREATE INDEX payments_pending_due ON payments (decide_at) WHERE status = 'PENDING';

-- The simulated provider's memory of calls per order (tok_error fails the first N). It lives
-- outside the handler's transaction, like a real provider's, so a failed attempt still counts.
CREATE TABLE provider_calls (
    order_id uuid    PRIMARY KEY,
    calls    integer NOT NULL
);
