CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text        NOT NULL,
    name          text        NOT NULL,
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL DEFAULT ARRAY['customer'],
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique regardless of case: Alice@x and alice@x are one account.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    private_key bytea       NOT NULL,
    public_jwk  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
