-- 0012: what lets each instance keep open postings in memory for matching (service/matching) and
-- learn cheaply, on every recommendation, what other instances, the importer and the scheduler changed.

-- A counter per kind of change; every transaction that writes postings bumps the 'jobs' row (which
-- also makes such transactions take turns at their commit) and stamps the rows it wrote with the new
-- value. A reader that sees the counter at N therefore finds every posting changed up to N committed.
CREATE TABLE change_counters (
  name VARCHAR(32) NOT NULL PRIMARY KEY,
  seq  BIGINT      NOT NULL DEFAULT 0
){{table}};
INSERT INTO change_counters (name, seq) VALUES ('jobs', 0);

-- The counter value of the transaction that last wrote the posting (0: before 0012 or never stamped);
-- the index finds the postings changed since a value an instance has seen.
ALTER TABLE jobs ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX idx_jobs_change_seq ON jobs (change_seq);
