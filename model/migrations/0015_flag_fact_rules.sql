-- 0015: two more facts per household in a flag recomputation (service/risk/rules.go).
--   income_only:  the household's threshold picks 重点帮扶户 by income alone (priority_rule: income_only,
--                 Kunming, policy/001), so the one rule statement serves both rules.
--   in_year_fall: an in-year fall signal (policy/004 §18) stands this calendar year: a visit recording
--                 income down, or a standing job_lost flag. It counts as "fell" for 提级帮扶.
ALTER TABLE flag_facts ADD COLUMN income_only SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE flag_facts ADD COLUMN in_year_fall SMALLINT NOT NULL DEFAULT 0;
