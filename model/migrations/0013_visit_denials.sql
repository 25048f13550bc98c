-- 0013: an index for the console dashboard's count of this month's denied visits. Denials are
-- rare: starting from them (confirmation, then current, then the visit time) reads only the
-- month's denials, from the index alone, instead of every household's visits in the scope.
CREATE INDEX idx_visits_confirmation ON visits (confirmation, is_current, visited_at, household_id);
