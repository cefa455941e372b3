-- The tables one confirmed order writes to across orders, catalog, payments and notifications,
-- shaped like the services' own (see their db/migration), in one database for pgbench.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY, message_id uuid NOT NULL, exchange text NOT NULL, routing_key text NOT NULL,
  type text NOT NULL, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE TABLE inbox (
  message_id uuid NOT NULL, consumer text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, consumer));
CREATE TABLE order_events (
  order_id uuid NOT NULL, seq int NOT NULL, type text NOT NULL, data jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (order_id, seq));
CREATE TABLE orders (
  id uuid PRIMARY KEY, customer_id uuid NOT NULL, status text NOT NULL, reason text,
  body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz);
CREATE TABLE products (id int PRIMARY KEY, stock int NOT NULL CHECK (stock >= 0));
INSERT INTO products SELECT g, 1000000000 FROM generate_series(1, 100) g;
CREATE TABLE reservations (
  order_id uuid PRIMARY KEY, product_id int NOT NULL, quantity int NOT NULL, state text NOT NULL,
  expires_at timestamptz NOT NULL);
CREATE TABLE payments (
  id uuid PRIMARY KEY, order_id uuid NOT NULL UNIQUE, customer_id uuid NOT NULL, amount bigint NOT NULL,
  currency text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE notifications (
  id bigserial PRIMARY KEY, customer_id uuid NOT NULL, kind text NOT NULL, message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
