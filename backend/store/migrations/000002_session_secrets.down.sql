-- Sealed ID tokens cannot be turned back into plain text here: they are dropped,
-- which only loses the id_token_hint of sessions signed in before the downgrade.
ALTER TABLE sessions DROP COLUMN id_token_ciphertext;
ALTER TABLE sessions ADD COLUMN id_token text;
