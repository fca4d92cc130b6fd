-- Issue 15 §1: when a send was last taken or answered. A process killed between recording a send and DHIS2's
-- answer leaves it `pending`; the next ticks turn a pending send untouched for 15 minutes into a failure, which
-- is then retried like any other (the unique key still prevents a second row).
ALTER TABLE reminder_sends ADD COLUMN touched_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX reminder_sends_pending ON reminder_sends (touched_at) WHERE status = 'pending';
