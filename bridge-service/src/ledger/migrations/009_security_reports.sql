-- Issue 16 §2: the daily security check's report, one per day (a second run the same day replaces it). The
-- findings name DHIS2 users by id, username and name only (no phone, no e-mail); `added` and `resolved` are what
-- changed since the previous report, shown first. Kept for audits: « le niveau de sécurité … vérifié de façon
-- quotidienne » is shown by the list of days.
CREATE TABLE security_reports (
  day DATE PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor TEXT NOT NULL,
  dhis2_version TEXT NOT NULL,
  findings JSONB NOT NULL,
  added JSONB NOT NULL,
  resolved JSONB NOT NULL,
  problems JSONB NOT NULL DEFAULT '[]'::jsonb
);
