package model

import "time"

// AuditEntry is one line of the audit log: who did what to which record,
// when, from where. It is only ever inserted.
type AuditEntry struct {
	ID         int64
	CreatedAt  time.Time
	ActorKind  string
	ActorID    int64
	ActorName  string
	Action     string
	TargetKind string
	TargetID   int64
	RegionCode string
	IP         string `gorm:"column:ip"`
	Endpoint   string
	RequestID  string
	Detail     *string
}

// TableName names the table.
func (AuditEntry) TableName() string { return "audit_log" }
