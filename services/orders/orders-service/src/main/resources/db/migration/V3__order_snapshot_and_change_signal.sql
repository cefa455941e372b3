-- The order's state as of its version, so a reply reads one row instead of replaying the events.
-- NULL for orders stored before it existed: they are replayed once and get one on their next change.
ALTER TABLE orders ADD COLUMN snapshot jsonb;

-- Every committed change of an order signals 'bazaar_order_changed' with its id. PostgreSQL
-- delivers the notification at commit, to every listening session: any orders instance wakes the
-- clients waiting on that order (Prefer: wait, SSE), whichever instance made the change.
CREATE FUNCTION bazaar_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bazaar_order_changed', NEW.id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER order_changed AFTER INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION bazaar_order_changed();
