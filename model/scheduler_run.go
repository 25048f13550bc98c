package model

import "time"

// Scheduler run statuses.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// SchedulerRun is one run of a scheduled job; (Job, RunKey) is unique, so
// a job runs once per day or slot across every instance and restart.
type SchedulerRun struct {
	ID         int64
	Job        string
	RunKey     string
	Status     string
	Holder     string
	Attempts   int
	Queued     int
	Detail     string
	LeaseUntil time.Time
	StartedAt  time.Time
	FinishedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName names the table.
func (SchedulerRun) TableName() string { return "scheduler_runs" }

// SchedulerMark is a job's watermark: how far it has followed a change.
type SchedulerMark struct {
	Name      string `gorm:"primaryKey"`
	Mark      time.Time
	UpdatedAt time.Time
}

// TableName names the table.
func (SchedulerMark) TableName() string { return "scheduler_marks" }
