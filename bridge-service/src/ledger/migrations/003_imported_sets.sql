-- 003: what DHIS2 holds from us, one row per org unit × period instead of one per value
-- (bridge-service/src/pipeline/README.md, "Speed").
-- A 100,000-value import wrote 100,000 `imported_values` rows (≈ 1 CPU-s of PostgreSQL on its own, and a ledger
-- growing by every value of every month); a record's values all share one org unit × period, so they now sit in
-- one row: `held` maps "<data element>.<COC>.<AOC>" (DHIS2 UIDs never contain a dot) to
-- [content hash, record id or null, source]. A push upserts with `held || new`: per key the last import wins, as
-- the per-value primary key did. Existing rows are carried over.
CREATE TABLE imported_sets (
  org_unit text NOT NULL,
  period text NOT NULL,
  held jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_unit, period)
);

INSERT INTO imported_sets (org_unit, period, held, imported_at)
SELECT org_unit, period,
       jsonb_object_agg(data_element || '.' || category_option_combo || '.' || attribute_option_combo,
                        jsonb_build_array(content_hash, record_id, source)),
       max(imported_at)
  FROM imported_values
 GROUP BY org_unit, period;

DROP TABLE imported_values;
