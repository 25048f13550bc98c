-- 0016: whether a visit's findings say income went down, as a column the flag recomputation reads from
-- idx_visits_last alone (service/risk/inyear.go). Read out of the findings JSON instead, the county run
-- opened every visit row of the year: facts 1.1 s → 3.1 s on the 100,000-household benchmark.
-- Findings are never edited (a correction is a new revision), so the column is written once, with the row.
ALTER TABLE visits ADD COLUMN income_down BOOLEAN NOT NULL DEFAULT FALSE;
-- Stored findings are normalised JSON (encoding/json, no spaces): the key and value appear exactly so.
UPDATE visits SET income_down = TRUE WHERE findings LIKE '%"income_change":"down"%';
-- The same index with income_down at the end: the due lists read what they read before.
DROP INDEX idx_visits_last ON visits;
CREATE INDEX idx_visits_last ON visits (household_id, is_current, visited_at, confirmation, income_down);
