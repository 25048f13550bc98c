package model

import "time"

// JobProfile is what a worker wants: skills, places, kinds, wage.
type JobProfile struct {
	ID            int64
	UserID        int64
	MemberID      *int64
	HouseholdID   *int64
	RegionCode    string
	Skills        string // JSON arrays
	Places        string
	Kinds         string
	MinWageFen    int64
	WageUnit      string
	AvailableFrom Date
	Capacity      string
	Active        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName names the table.
func (JobProfile) TableName() string { return "job_profiles" }

// JobInterest records that a worker wants a job.
type JobInterest struct {
	ID          int64
	JobID       int64
	UserID      int64
	MemberID    *int64
	HouseholdID *int64
	CreatedAt   time.Time
}

// TableName names the table.
func (JobInterest) TableName() string { return "job_interests" }
