-- 004: the signatures of webhook deliveries whose records are durable (issue 11 §8).
-- The replay check used to trust Redis alone: a signature was marked seen before its records were committed, so
-- a bridge killed in between refused the sender's retry as a replay and the delivery was lost. A signature is now
-- written here in the same transaction as the delivery's records; Redis stays a fast path, and a signature Redis
-- has seen but this table has not is a retry to accept. Rows older than the replay window are pruned.
CREATE TABLE webhook_deliveries (
  source text NOT NULL,
  signature text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, signature)
);
CREATE INDEX webhook_deliveries_received_at_idx ON webhook_deliveries (received_at);
