-- Issue 15 §1: what became of a reminder SMS once DHIS2 took it. DHIS2 keeps each outbound SMS with a status
-- (OutboundSmsStatus: SENT or FAILED from its own gateways; DELIVERED… where a gateway reports delivery); the
-- bridge finds DHIS2's record right after the send and reads its status again at later ticks until it is final.
-- Only DHIS2's uid of the SMS is kept here, never the phone number.
ALTER TABLE reminder_sends ADD COLUMN sms_id TEXT;
ALTER TABLE reminder_sends ADD COLUMN delivery TEXT;
ALTER TABLE reminder_sends ADD COLUMN delivery_checked_at TIMESTAMPTZ;
CREATE INDEX reminder_sends_delivery_open ON reminder_sends (sent_at)
  WHERE channel = 'sms' AND status = 'sent' AND sms_id IS NOT NULL
    AND delivery IN ('OUTBOUND', 'SENT', 'PENDING', 'SCHEDULED');
