CREATE TABLE notifications (
    id                uuid PRIMARY KEY,
    user_id           uuid        NOT NULL,
    kind              text        NOT NULL,
    message           text        NOT NULL,
    order_id          uuid,
    -- The event a notification was made from: a second guard, besides the inbox, against duplicates.
    source_message_id uuid        NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now()
);
-- The only read: one user's notifications, newest first.
CREATE INDEX notifications_user_created ON notifications (user_id, created_at DESC);
