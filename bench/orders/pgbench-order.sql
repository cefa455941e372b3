-- Every row one confirmed order writes in Bazaar (orders, catalog, payments, notifications), in ONE
-- transaction on ONE database: the single-process limit our distributed saga is compared against.
-- 8 outbox rows inserted and marked sent, 8 inbox rows, 4 order events + read model, 1 stock update,
-- 1 reservation (inserted, committed), 1 payment, 2 notifications.
\set product random(1, 100)
BEGIN;
SELECT gen_random_uuid() AS o, gen_random_uuid() AS c \gset
INSERT INTO order_events VALUES (:o, 1, 'OrderPlaced', '{"items":[{"q":1}],"total":{"amount":1000,"currency":"EUR"}}');
INSERT INTO orders (id, customer_id, status, body) VALUES (:o, :c, 'PENDING', '{"items":[{"q":1}]}');
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.events', 'orders.OrderPlaced', 'OrderPlaced', '{}'), (gen_random_uuid(), 'bazaar.commands', 'catalog.ReserveStock', 'ReserveStock', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'catalog');
UPDATE products SET stock = stock - 1 WHERE id = :product AND stock >= 1;
INSERT INTO reservations VALUES (:o, :product, 1, 'RESERVED', now() + interval '5 minutes');
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.events', 'catalog.StockReserved', 'StockReserved', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'notifications');
INSERT INTO notifications (customer_id, kind, message) VALUES (:c, 'ORDER_RECEIVED', 'Order received');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'orders');
INSERT INTO order_events VALUES (:o, 2, 'StockReserved', '{}');
UPDATE orders SET updated_at = now() WHERE id = :o;
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.commands', 'payments.AuthorizePayment', 'AuthorizePayment', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'payments');
INSERT INTO payments VALUES (gen_random_uuid(), :o, :c, 1000, 'EUR', 'AUTHORIZED');
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.events', 'payments.PaymentAuthorized', 'PaymentAuthorized', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'orders');
INSERT INTO order_events VALUES (:o, 3, 'PaymentAuthorized', '{}');
UPDATE orders SET updated_at = now() WHERE id = :o;
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.commands', 'catalog.CommitStock', 'CommitStock', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'catalog');
UPDATE reservations SET state = 'COMMITTED' WHERE order_id = :o;
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.events', 'catalog.StockCommitted', 'StockCommitted', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'orders');
INSERT INTO order_events VALUES (:o, 4, 'OrderConfirmed', '{}');
UPDATE orders SET status = 'CONFIRMED', updated_at = now() WHERE id = :o;
INSERT INTO outbox (message_id, exchange, routing_key, type, body) VALUES (gen_random_uuid(), 'bazaar.events', 'orders.OrderConfirmed', 'OrderConfirmed', '{}');
INSERT INTO inbox (message_id, consumer) VALUES (gen_random_uuid(), 'notifications');
INSERT INTO notifications (customer_id, kind, message) VALUES (:c, 'ORDER_CONFIRMED', 'Order confirmed');
UPDATE outbox SET sent_at = now() WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 8 FOR UPDATE SKIP LOCKED);
COMMIT;
