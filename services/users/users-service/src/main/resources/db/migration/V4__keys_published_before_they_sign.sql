-- A key is published in the JWKS before it signs (docs/security.md, "Key rotation"): signs_from
-- is the moment it starts signing, NULL for the pre-published next key that no rotation has chosen
-- yet. Every key stored before this signed from its creation.
ALTER TABLE signing_keys ADD COLUMN signs_from timestamptz;
UPDATE signing_keys SET signs_from = created_at;
