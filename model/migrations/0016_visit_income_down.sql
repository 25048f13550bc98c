-- 0016: whether a visit's findings say income went down, as a column with its own index, for the flag
-- recomputation's in-year signal (service/risk/inyear.go). Read out of the findings JSON instead, the
-- county run opened every visit row of the year (facts 1.1 s → 3.1 s on the 100,000-household benchmark);
-- with the index it reads only this year's current visits that say down, whatever the history holds.
-- Findings are never edited (a correction is a new revision), so the column is written once, with the row.
ALTER TABLE visits ADD COLUMN income_down BOOLEAN NOT NULL DEFAULT FALSE;
-- Stored findings are normalised JSON (encoding/json, no spaces): the key and value appear exactly so,
-- and a quote inside a text value is escaped, so words in a need or a note cannot match.
UPDATE visits SET income_down = TRUE WHERE findings LIKE '%"income_change":"down"%';
CREATE INDEX idx_visits_income_down ON visits (income_down, is_current, visited_at, household_id, confirmation);
