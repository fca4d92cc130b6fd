-- Issue 16 §4: secrets that rotate without a restart. `relais secrets` adds a route secret or an API key here
-- (its SHA-256 only: the value is printed once and never kept) or revokes one, by value (route) or by name (API
-- key, the environment's too); every bridge process reads this table again every few seconds, so a rotation
-- reaches all of them without stopping any.
CREATE TABLE bridge_secrets (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('route', 'api-key')),
  name TEXT NOT NULL,
  role TEXT,
  hash TEXT NOT NULL,
  expires DATE,
  -- 'accept': a secret accepted besides the environment's; 'revoke': a secret (route) or a name (API key) refused.
  action TEXT NOT NULL CHECK (action IN ('accept', 'revoke')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_by TEXT NOT NULL
);
CREATE INDEX bridge_secrets_kind ON bridge_secrets (kind, action);
