-- 0008: the push engine and the scheduler (issue 8).

-- One row per scheduled run of a job. (job, run_key) is unique, so a job runs once per run key (a day
-- for daily jobs, a slot for interval jobs) however many instances or restarts there are. A run whose
-- holder died is taken over when lease_until has passed; a done run is never repeated.
CREATE TABLE scheduler_runs (
  id          {{id}},
  job         VARCHAR(64)  NOT NULL,
  run_key     VARCHAR(32)  NOT NULL,              -- 2026-05-01 (daily) or 2026-05-01T10:05 (interval slot)
  status      VARCHAR(12)  NOT NULL,              -- running | done | failed
  holder      VARCHAR(64)  NOT NULL,
  attempts    INT          NOT NULL DEFAULT 1,
  queued      INT          NOT NULL DEFAULT 0,    -- messages the run queued
  detail      VARCHAR(255) NOT NULL DEFAULT '',   -- what it did, or why it failed
  lease_until {{datetime}} NOT NULL,
  started_at  {{datetime}} NOT NULL,
  finished_at {{datetime}} NULL,
  created_at  {{datetime}} NOT NULL,
  updated_at  {{datetime}} NOT NULL
){{table}};
CREATE UNIQUE INDEX uq_scheduler_runs ON scheduler_runs (job, run_key);
CREATE INDEX idx_scheduler_runs_started ON scheduler_runs (started_at);

-- Watermarks of jobs that follow changes, e.g. payments changed since the last scan.
CREATE TABLE scheduler_marks (
  name       VARCHAR(64)  NOT NULL PRIMARY KEY,
  mark       {{datetime}} NOT NULL,
  updated_at {{datetime}} NOT NULL
){{table}};

-- A subscribe message spends one of the user's consents once, however many times it is retried.
ALTER TABLE push_outbox ADD COLUMN consent_spent BOOLEAN NOT NULL DEFAULT FALSE;
-- Why a due row waits (quiet_hours, daily_cap): held, not dropped.
ALTER TABLE push_outbox ADD COLUMN hold_reason VARCHAR(16) NOT NULL DEFAULT '';

-- `push status` and /metrics count what reached each state in the last hour.
CREATE INDEX idx_push_outbox_state_updated ON push_outbox (state, updated_at);

-- "Payments paid or failed since the last scan" reads a range of this index.
CREATE INDEX idx_payments_updated ON payments (updated_at);
