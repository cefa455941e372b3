-- Key rotation: a key stops signing when a newer one is created (retired_at is set then), keeps
-- verifying until every token it signed has expired, and is deleted after that.
ALTER TABLE signing_keys ADD COLUMN retired_at timestamptz;

-- Per-account login back-off, shared by every users instance. Keyed by the normalized email that
-- was tried, whether or not an account has it, so that the answers do not tell the two apart.
CREATE TABLE login_failures (
    email_key       text PRIMARY KEY,
    failures        integer     NOT NULL,
    last_failure_at timestamptz NOT NULL
);
CREATE INDEX login_failures_last_failure_at ON login_failures (last_failure_at);
