-- Issue 17 §2: a done record's raw payload moves to a monthly archive file after its source's retention; the
-- record keeps its hashes, status and history, and says which file holds its payload.
ALTER TABLE records ALTER COLUMN raw DROP NOT NULL;
ALTER TABLE records ADD COLUMN payload_archive text;
ALTER TABLE records ADD CONSTRAINT records_payload_kept_or_archived CHECK (raw IS NOT NULL OR payload_archive IS NOT NULL);
-- The retention's search: done records still holding their payload, oldest first, per source.
CREATE INDEX records_payload_retention_idx ON records (source, created_at)
  WHERE raw IS NOT NULL AND status IN ('imported', 'unchanged', 'discarded', 'failed');
