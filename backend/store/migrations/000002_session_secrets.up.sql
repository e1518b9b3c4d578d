-- The ID token an OIDC session keeps for the IdP's id_token_hint is a
-- credential-like value: store it sealed like the API key (AES-GCM, session id
-- as associated data) instead of as plain text.
ALTER TABLE sessions DROP COLUMN id_token;
ALTER TABLE sessions ADD COLUMN id_token_ciphertext bytea;
