CREATE TABLE orders (
    id           uuid PRIMARY KEY,
    customer_id  uuid        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('PLACED')),
    total_amount bigint      NOT NULL CHECK (total_amount >= 0),
    currency     char(3)     NOT NULL,
    created_at   timestamptz NOT NULL
);
-- "My orders, newest first" is the only listing.
CREATE INDEX orders_customer_newest ON orders (customer_id, created_at DESC, id DESC);

-- Name and unit price are copied from the catalog at placing time: later price changes do not
-- rewrite past orders.
CREATE TABLE order_lines (
    order_id    uuid    NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no     integer NOT NULL,
    product_id  uuid    NOT NULL,
    name        text    NOT NULL,
    quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    unit_amount bigint  NOT NULL CHECK (unit_amount >= 0),
    currency    char(3) NOT NULL,
    line_total  bigint  NOT NULL CHECK (line_total >= 0),
    PRIMARY KEY (order_id, line_no),
    UNIQUE (order_id, product_id)
);
