-- Issue 13 §2: a record whose values would overwrite values a person stored in DHIS2 waits in quarantine
-- with the reason `overwrite`.
ALTER TABLE records DROP CONSTRAINT records_quarantine_reason;
ALTER TABLE records ADD CONSTRAINT records_quarantine_reason
  CHECK (status <> 'quarantined' OR COALESCE(reason IN ('invalid', 'conflict', 'duplicate', 'late', 'overwrite'), false));
