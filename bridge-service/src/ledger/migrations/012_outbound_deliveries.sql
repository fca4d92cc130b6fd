-- 012: signed outbound webhooks to partners (issue 19 §4).
-- A delivery is written here before anything is sent, so that losing Redis or a process loses no event: the queue
-- `relais-outbound` only carries delivery ids, and reconciliation re-enqueues a pending delivery without a job.
-- The payload holds ids, codes, counts and periods only: never a person's data.
CREATE TABLE outbound_deliveries (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  subscription text NOT NULL,
  event text NOT NULL CHECK (event IN ('report.completed', 'run.finished', 'quarantine.growing')),
  -- what the event is about (a completion's record event, a run, a source and hour): one delivery per
  -- subscription and fact, however many processes notice the fact
  event_key text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  -- attempts of the current round; a retry by hand starts a new round
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  round integer NOT NULL DEFAULT 0 CHECK (round >= 0),
  last_error text,
  last_status integer,
  -- the last attempts (when, HTTP status or error), newest last, at most 20
  history jsonb NOT NULL DEFAULT '[]'::jsonb,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_at timestamptz,
  CONSTRAINT outbound_deliveries_once UNIQUE (subscription, event_key)
);
CREATE UNIQUE INDEX outbound_deliveries_seq_idx ON outbound_deliveries (seq);
CREATE INDEX outbound_deliveries_status_idx ON outbound_deliveries (status, seq);
CREATE INDEX outbound_deliveries_pending_idx ON outbound_deliveries (id) WHERE status = 'pending';

-- Where the search for new facts stopped, per kind of fact (runs finished, completions registered).
CREATE TABLE outbound_cursors (
  kind text PRIMARY KEY,
  position text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The facts' searches: completions registered (few among record events) and runs by when they ended.
CREATE INDEX record_events_completion_idx ON record_events (seq) WHERE reason = 'completion-registered';
CREATE INDEX runs_finished_idx ON runs (finished_at) WHERE finished_at IS NOT NULL;
