-- 013: the national HMIS push (issue 19 §2). One row per push, dry run or check of a period, written when it
-- starts and finished with its counts; its reconciliation report, line by line, in hmis_report_lines. Codes and
-- aggregated counts only (zones, elements, values): never a person's data. The national instance's credentials
-- are named by environment variable in relais.config.yaml and never stored here.
CREATE TABLE hmis_pushes (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  -- push: sent to the national instance; dry-run: DHIS2's dryRun, nothing written; check: read and compared only
  mode text NOT NULL CHECK (mode IN ('push', 'dry-run', 'check')),
  period text NOT NULL,
  -- who asked: cli:<user>, an API user, or schedule
  actor text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('cli', 'api', 'schedule')),
  spec_id text NOT NULL,
  spec_version integer NOT NULL,
  national_url text NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  -- report lines per status, and DHIS2's import counts (imported, updated, ignored)
  counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  import_counts jsonb,
  error text,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at timestamptz
);
CREATE UNIQUE INDEX hmis_pushes_seq_idx ON hmis_pushes (seq);
CREATE INDEX hmis_pushes_period_idx ON hmis_pushes (period, seq);

CREATE TABLE hmis_report_lines (
  push_id text NOT NULL REFERENCES hmis_pushes (id) ON DELETE CASCADE,
  line integer NOT NULL,
  period text NOT NULL,
  org_unit text,
  data_element text,
  national_org_unit text,
  national_data_element text,
  programme_value text,
  national_value text,
  status text NOT NULL
    CHECK (status IN ('match', 'different', 'missing-at-national', 'unmapped', 'refused', 'national-only')),
  reason_en text,
  reason_fr text,
  conflict text,
  PRIMARY KEY (push_id, line)
);
CREATE INDEX hmis_report_lines_status_idx ON hmis_report_lines (push_id, status);
