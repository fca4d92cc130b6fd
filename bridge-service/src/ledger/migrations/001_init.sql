-- 001: the ledger (bridge-service/DESIGN.md, "Ledger tables").
-- Plain PostgreSQL 15+ that PGlite also runs: no extension; ids are UUIDs as text from gen_random_uuid()
-- (core since PostgreSQL 13). The status and reason lists mirror src/ledger/record-status.ts.
-- "Newest first" orders by a `seq` identity column, never by a timestamp: timestamps tie (now() inside one
-- transaction; PGlite's clock has millisecond resolution) and a random UUID is no tie-breaker.

CREATE TABLE runs (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  source text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('dry-run', 'import')),
  trigger text NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  -- counts per record status, written when the run ends (live counts are computed from records)
  counts jsonb,
  -- e.g. the uploaded file's name, the error that failed the run
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  actor text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz,
  CONSTRAINT runs_finished_when_ended CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE UNIQUE INDEX runs_seq_idx ON runs (seq);
CREATE INDEX runs_source_idx ON runs (source, seq);
CREATE INDEX runs_running_idx ON runs (source) WHERE status = 'running';

CREATE TABLE records (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  source text NOT NULL,
  source_key text NOT NULL,
  version text NOT NULL,
  content_hash text NOT NULL,
  raw jsonb NOT NULL,
  mapped jsonb,
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'mapped', 'imported', 'unchanged', 'quarantined', 'discarded', 'failed')),
  -- quarantine reason (invalid | conflict | duplicate | late) or the discard reason; NULL otherwise
  reason text,
  period text,
  org_unit text,
  rc_code text,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error jsonb,
  run_id text REFERENCES runs (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT records_source_key_version_key UNIQUE (source, source_key, version),
  CONSTRAINT records_quarantine_reason
    CHECK (status <> 'quarantined' OR COALESCE(reason IN ('invalid', 'conflict', 'duplicate', 'late'), false)),
  CONSTRAINT records_discard_reason CHECK (status <> 'discarded' OR reason IS NOT NULL)
);
-- The searches of GET /records (by source key, RC code, org unit, period, status, run), newest first.
-- (source, source_key, version) is covered by the unique constraint's index.
CREATE UNIQUE INDEX records_seq_idx ON records (seq);
CREATE INDEX records_source_key_idx ON records (source_key);
CREATE INDEX records_rc_code_idx ON records (rc_code) WHERE rc_code IS NOT NULL;
CREATE INDEX records_org_unit_period_idx ON records (org_unit, period) WHERE org_unit IS NOT NULL;
CREATE INDEX records_period_idx ON records (period) WHERE period IS NOT NULL;
CREATE INDEX records_status_idx ON records (status, seq);
CREATE INDEX records_run_status_idx ON records (run_id, status);
-- Reconciliation: the records the pipeline still owes work.
CREATE INDEX records_in_flight_idx ON records (id) WHERE status IN ('received', 'mapped');

CREATE TABLE record_events (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  -- the order of events, even inside one transaction (where now() does not move)
  seq bigint GENERATED ALWAYS AS IDENTITY,
  record_id text NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  reason text,
  -- e.g. DHIS2's conflict message, the import summary's lines for this record
  detail jsonb
);
CREATE INDEX record_events_record_idx ON record_events (record_id, seq);

CREATE TABLE source_cursors (
  source text PRIMARY KEY,
  cursor jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- What DHIS2 holds from us, per dataValueSets upsert key.
CREATE TABLE imported_values (
  data_element text NOT NULL,
  period text NOT NULL,
  org_unit text NOT NULL,
  category_option_combo text NOT NULL,
  attribute_option_combo text NOT NULL,
  content_hash text NOT NULL,
  record_id text REFERENCES records (id) ON DELETE SET NULL,
  source text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (data_element, period, org_unit, category_option_combo, attribute_option_combo)
);
CREATE INDEX imported_values_record_idx ON imported_values (record_id);

CREATE TABLE audit_log (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  role text,
  action text NOT NULL,
  target text,
  detail jsonb
);
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, seq);
CREATE INDEX audit_log_target_idx ON audit_log (target, seq);

CREATE TABLE metadata_snapshots (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  fetched_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  snapshot jsonb NOT NULL,
  drift jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE UNIQUE INDEX metadata_snapshots_seq_idx ON metadata_snapshots (seq);
