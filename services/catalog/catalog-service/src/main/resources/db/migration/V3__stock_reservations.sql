-- Stock reservations of the order saga. products.stock stays the AVAILABLE quantity: a reservation
-- takes units out of it, a release or an expiry gives them back, a commit keeps them out for good.
-- products.stock already has CHECK (stock >= 0) from V1 (constraint products_stock_check); it is
-- the last line of defence against overselling, behind the conditional UPDATEs of the handlers.

-- One row per order id, whatever happened to it, so that every command for the order is answered
-- from the recorded state: a redelivered ReserveStock never reserves twice, and a ReleaseStock that
-- overtakes its ReserveStock leaves a RELEASED row without lines (a tombstone) that makes the late
-- ReserveStock take nothing. REJECTED records a refused ReserveStock (reason and products) so that
-- a repeated ReserveStock gets the same answer.
CREATE TABLE reservations (
    order_id       uuid PRIMARY KEY,
    state          text        NOT NULL
                   CHECK (state IN ('RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED', 'REJECTED')),
    -- Only meaningful while RESERVED: the sweeper expires the reservation after it.
    expires_at     timestamptz,
    reject_reason  text,
    reject_product_ids uuid[]  NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CHECK (state <> 'RESERVED' OR expires_at IS NOT NULL),
    CHECK (state <> 'REJECTED' OR reject_reason IS NOT NULL)
);

-- The units a reservation holds (or held), one row per product.
CREATE TABLE reservation_lines (
    order_id   uuid    NOT NULL REFERENCES reservations (order_id) ON DELETE CASCADE,
    product_id uuid    NOT NULL REFERENCES products (id),
    quantity   integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);

-- The sweeper only ever looks at live reservations past their deadline.
CREATE INDEX reservations_expiring ON reservations (expires_at) WHERE state = 'RESERVED';
