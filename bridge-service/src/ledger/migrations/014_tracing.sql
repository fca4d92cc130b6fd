-- 014: tracing of people living with HIV lost to follow-up (issue 19 §3). One row per case a site asked the RC to
-- trace. Nothing here names the person: the site's own identifier is kept only sealed (AES-256-GCM, key derived
-- from RELAIS_PSEUDONYM_KEY, the site's code as associated data), opened only to send the outcome to that site;
-- what an RC needs (tracing code, sex, age band, locality, missed appointment) is the same as in DHIS2's event.
CREATE TABLE tracing_cases (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  site text NOT NULL,
  -- keyed HMAC-SHA256 of the site's code and the site's patient id: a resent case is the same case
  pseudonym text NOT NULL,
  tracing_code text NOT NULL,
  sealed_id text NOT NULL,
  event_uid text NOT NULL,
  sex text NOT NULL CHECK (sex IN ('M', 'F')),
  age_band text NOT NULL CHECK (age_band IN ('A_MOINS15', 'A_15_24', 'A_25PLUS')),
  locality text NOT NULL,
  missed_appointment date NOT NULL,
  -- how the site said to find the RC: an RC code, or an aire sanitaire's code with the locality
  rc_hint text,
  area_hint text,
  -- the RC found: org unit code and uid (null while quarantined)
  rc_code text,
  rc_org_unit text,
  status text NOT NULL CHECK (status IN (
    'quarantined', 'task-pending', 'task-created', 'task-failed', 'outcome-pending', 'outcome-sent', 'outcome-failed')),
  -- why it is quarantined or failed (codes and DHIS2's or the site's answer, never an identifier)
  reason text,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz,
  -- a process working on the case holds it until then (several bridge processes, one ledger)
  lease_until timestamptz,
  outcome text CHECK (outcome IN ('RETROUVE_REVENU', 'RETROUVE_REFUS', 'DEMENAGE', 'DECEDE', 'NON_RETROUVE')),
  outcome_date date,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  task_created_at timestamptz,
  outcome_read_at timestamptz,
  outcome_sent_at timestamptz,
  CONSTRAINT tracing_cases_pseudonym_key UNIQUE (pseudonym),
  CONSTRAINT tracing_cases_tracing_code_key UNIQUE (tracing_code),
  CONSTRAINT tracing_cases_event_uid_key UNIQUE (event_uid),
  CONSTRAINT tracing_cases_outcome_when_read CHECK (
    status NOT IN ('outcome-pending', 'outcome-sent', 'outcome-failed') OR (outcome IS NOT NULL AND outcome_date IS NOT NULL))
);
CREATE UNIQUE INDEX tracing_cases_seq_idx ON tracing_cases (seq);
CREATE INDEX tracing_cases_status_idx ON tracing_cases (status, seq);
CREATE INDEX tracing_cases_due_idx ON tracing_cases (next_attempt_at) WHERE status IN ('task-pending', 'outcome-pending');

-- Each list a site sent: counts and the refused rows' numbers with their reasons (codes), never a cell.
CREATE TABLE tracing_lists (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  site text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'fhir')),
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  rows integer NOT NULL,
  accepted integer NOT NULL,
  duplicates integer NOT NULL,
  quarantined integer NOT NULL,
  refused jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX tracing_lists_site_idx ON tracing_lists (site, received_at);

-- Where the reading of DHIS2's completed tracing events stopped (DHIS2's updatedAt).
CREATE TABLE tracing_cursors (
  program text PRIMARY KEY,
  updated_after text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
