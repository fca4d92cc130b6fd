-- 002: `imported_values` laid out for bulk pushes (bridge-service/src/pipeline/README.md, "Speed").
-- - The primary key starts with (org unit, period): the values of one record — one org unit × period — sit
--   side by side in the index, so a push's upsert of thousands of values touches a few leaf pages instead of
--   one per data element, and `lookup` asks for (org unit, period) pairs (500 per chunk of a CSV) instead of
--   every value key (14,000). Same columns, same key: ON CONFLICT still names the five columns.
-- - No foreign key to records: a check per stored value (100,000 per 100,000-value import) for a reference
--   the pipeline always takes from a record it has just loaded; records are never deleted (the ledger is
--   append-only), so ON DELETE SET NULL never fired. record_id stays indexed (version chains).
ALTER TABLE imported_values DROP CONSTRAINT imported_values_pkey;
ALTER TABLE imported_values
  ADD CONSTRAINT imported_values_pkey
  PRIMARY KEY (org_unit, period, data_element, category_option_combo, attribute_option_combo);
ALTER TABLE imported_values DROP CONSTRAINT imported_values_record_id_fkey;
