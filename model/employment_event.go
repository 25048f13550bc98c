package model

import "time"

// Employment events.
const (
	EmploymentStarted  = "started"
	EmploymentEnded    = "ended"
	EmploymentCameHome = "returned" // 返乡
)

// EmploymentEvent is a worker starting or leaving work.
type EmploymentEvent struct {
	ID          int64
	MemberID    int64
	HouseholdID int64
	Event       string
	JobID       *int64
	Employer    string
	Place       string
	OccurredOn  Date
	ActorKind   string
	ActorID     int64
	Note        string
	DedupeKey   *string // a hash of member, event, date and job, so a replay finds the first copy (0006)
	CreatedAt   time.Time
}

// TableName names the table.
func (EmploymentEvent) TableName() string { return "employment_events" }
