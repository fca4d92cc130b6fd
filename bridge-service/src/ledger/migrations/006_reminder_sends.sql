-- Issue 15 §1: every reminder the bridge sends (or holds out), recorded before it goes. The unique key is the
-- "at most one a day" promise, kept even when two bridge processes plan the same tick: the second insert does
-- nothing, and only inserted rows are sent. No phone number is kept (the recipient is a DHIS2 user id), and the
-- message's subject and text only until it has gone: a failed send is retried with the very same words.
CREATE TABLE reminder_sends (
  id BIGSERIAL PRIMARY KEY,
  rule_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation', 'summary', 'manual', 'holdout')),
  period TEXT NOT NULL,
  org_unit TEXT NOT NULL,
  zone TEXT NOT NULL,
  recipient TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('message', 'sms', 'none')),
  day DATE NOT NULL,
  template TEXT NOT NULL,
  subject TEXT,
  text TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'held-out')),
  attempts INTEGER NOT NULL DEFAULT 0,
  answer JSONB,
  error TEXT,
  actor TEXT NOT NULL DEFAULT 'scheduler',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at TIMESTAMPTZ,
  CONSTRAINT reminder_sends_once UNIQUE (org_unit, period, day, channel, recipient, kind)
);
CREATE INDEX reminder_sends_period ON reminder_sends (period, day);
CREATE INDEX reminder_sends_failed ON reminder_sends (day) WHERE status = 'failed';
