-- 003: what DHIS2 holds from us, one row per record pushed instead of one per value
-- (bridge-service/src/pipeline/README.md, "Speed").
-- A 100,000-value import wrote 100,000 `imported_values` rows (≈ 1 CPU-s of PostgreSQL on its own, and a ledger
-- growing by every value of every month). A record's values share one org unit × period: each push now appends,
-- per record, one row whose `held` lists "<data element>.<COC>.<AOC>:<content hash>" joined by "," (DHIS2 UIDs
-- and hex hashes contain neither "." nor ":" nor ","). Plain text, not jsonb: PostgreSQL's JSON → jsonb
-- conversion was the cost. For a key, the row with the highest `seq` of its org unit × period says what DHIS2
-- holds — the last import wins, as the per-value upsert did. Existing rows are carried over (no key in two rows).
CREATE TABLE imported_sets (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  org_unit text NOT NULL,
  period text NOT NULL,
  record_id text,
  source text NOT NULL,
  held text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imported_sets_org_unit_period_idx ON imported_sets (org_unit, period, seq);
-- A newer version finds what its older versions brought (deletions of vanished keys), wherever they were.
CREATE INDEX imported_sets_record_idx ON imported_sets (record_id);

INSERT INTO imported_sets (org_unit, period, record_id, source, held, imported_at)
SELECT org_unit, period, record_id, source,
       string_agg(data_element || '.' || category_option_combo || '.' || attribute_option_combo || ':' || content_hash,
                  ',' ORDER BY data_element, category_option_combo, attribute_option_combo),
       max(imported_at)
  FROM imported_values
 GROUP BY org_unit, period, record_id, source;

DROP TABLE imported_values;
