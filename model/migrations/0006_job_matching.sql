-- 0006: job postings, profiles and the matching engine (issue 6).

-- The office that publishes a posting: its region scope when it was created. Officials edit and
-- close postings their scope covers; '' falls back to the posting's region (imported rows).
ALTER TABLE jobs ADD COLUMN owner_region VARCHAR(12) NOT NULL DEFAULT '';

-- The skill tags again, '|'-joined as matching reads them ('' for none), so the index below can carry
-- them. NULL where whatever wrote the row did not set it (an import): matching then reads skill_tags.
ALTER TABLE jobs ADD COLUMN tag_key VARCHAR(340) NULL;

-- Candidate retrieval for a worker: open postings of the kinds they take, in the places they go. It
-- covers every column scoring needs, so candidates are scored from the index alone (service/matching).
CREATE INDEX idx_jobs_match ON jobs (status, kind, region_code, valid_until, valid_from, published_at, filled, headcount,
  wage_min_fen, wage_max_fen, wage_unit, physical_demand, age_min, age_max, tag_key);
-- The public list: newest first, keyset-paged by (published_at, id).
CREATE INDEX idx_jobs_list ON jobs (status, published_at, id);

-- job_profile_targets is the matching index of workers open to offers: one row per profile, kind of
-- work it takes and place it will go, carrying what scoring needs so that finding the workers for a
-- new posting is one range scan of the primary key, whose cost grows with the candidates and not with
-- the table. Rebuilt from job_profiles whenever a profile changes; a worker in work has no rows.
CREATE TABLE job_profile_targets (
  kind           VARCHAR(16)  NOT NULL,            -- a kind of work the worker takes
  place_key      VARCHAR(13)  NOT NULL,            -- region prefix they go to, or '!' + prefix they will leave (县外, 省外)
  profile_id     BIGINT       NOT NULL,
  user_id        BIGINT       NOT NULL,
  home_region    CHAR(12)     NOT NULL,
  capacity       VARCHAR(8)   NOT NULL,            -- full | weak | half
  kind_fit       VARCHAR(8)   NOT NULL,            -- wanted | any | priority (公益性岗位/帮扶车间 for weak and half labour)
  min_wage_fen   BIGINT       NOT NULL DEFAULT 0,
  wage_unit      VARCHAR(8)   NOT NULL DEFAULT 'month',
  available_from DATE         NULL,
  birth_year     INT          NOT NULL DEFAULT 0,  -- 0: unknown
  skills         VARCHAR(700) NOT NULL DEFAULT '', -- '|'-separated, normalised
  PRIMARY KEY (kind, place_key, profile_id)
){{table}};
CREATE INDEX idx_job_profile_targets_profile ON job_profile_targets (profile_id);

-- A replayed employment report (a retry, a double tap) finds its first copy instead of a second row.
ALTER TABLE employment_events ADD COLUMN dedupe_key CHAR(64) NULL;
CREATE UNIQUE INDEX uq_employment_events_dedupe ON employment_events (dedupe_key);

-- Cadres list interests of their households, newest first.
CREATE INDEX idx_job_interests_created ON job_interests (household_id, created_at);
