CREATE TABLE products (
    id           uuid PRIMARY KEY,
    name         text        NOT NULL,
    description  text        NOT NULL DEFAULT '',
    price_amount bigint      NOT NULL CHECK (price_amount >= 0),
    currency     char(3)     NOT NULL,
    stock        integer     NOT NULL CHECK (stock >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Listing order is (name, id); this index serves it and its LIMIT/OFFSET pages.
CREATE INDEX products_name_id ON products (name, id);

-- Search is a case-insensitive substring match (ILIKE '%q%') on name and description. Trigram GIN
-- indexes serve that when pg_trgm is installable (the embedded PostgreSQL ships it, and it is a
-- trusted extension the database owner may create); on a server without contrib the same queries
-- run as sequential scans, which is fine at catalog sizes.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);
        CREATE INDEX products_description_trgm ON products USING gin (description gin_trgm_ops);
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pg_trgm not installable by this role; search runs without trigram indexes';
END
$$;
