-- 0007: cadres' visits, incomes and risk flags (issue 7).

-- A correction names the revision it was made from (NULL on first
-- revisions). root_id + revision is unique, so two corrections of one visit
-- racing each other cannot both become revision n.
ALTER TABLE visits ADD COLUMN corrects_id BIGINT NULL;
CREATE UNIQUE INDEX uq_visits_revision ON visits (root_id, revision);

-- "When was this household last visited" for the due lists: answered from
-- the index alone, one range per household.
CREATE INDEX idx_visits_last ON visits (household_id, is_current, visited_at, confirmation);

-- The recomputation run that raised a flag, so that the run can tell the
-- cadres exactly what it raised (and an audit can trace it).
ALTER TABLE household_flags ADD COLUMN run_id CHAR(32) NULL;
CREATE INDEX idx_household_flags_run ON household_flags (run_id);

-- Each household's current income by year, read from the index alone: the
-- latest year, and the year before, for the flag recomputation.
CREATE INDEX idx_income_records_current ON income_records (household_id, is_current, year, per_capita_fen);

-- Scratch rows of one flag recomputation: each household's latest income
-- facts and the thresholds that apply to it, written once per run (one
-- INSERT ... SELECT) so the raise and clear statements compare columns
-- instead of recomputing the facts. Rows live only inside the run's
-- transaction; run_id keeps concurrent runs apart.
CREATE TABLE flag_facts (
  run_id         CHAR(32)     NOT NULL,
  household_id   BIGINT       NOT NULL,
  year           INT          NOT NULL,
  per_capita_fen BIGINT       NOT NULL,
  previous_fen   BIGINT       NULL,     -- the year before's current record, when any
  line_fen       BIGINT       NOT NULL, -- monitoring line for the household's region and year
  priority_fen   BIGINT       NOT NULL, -- priority-household income bound
  growth_bp      BIGINT       NOT NULL, -- growth threshold in basis points (5.5 % = 550)
  has_plan       SMALLINT     NOT NULL,
  has_leader     SMALLINT     NOT NULL,
  PRIMARY KEY (run_id, household_id)
){{table}};
