package model

import "time"

// Report types: 问题反映 on a payment, and 自主申报 of a household's own difficulty.
const (
	ReportPayment = "payment"
	ReportRisk    = "risk"
)

// Report statuses: open → acknowledged → resolved | rejected.
const (
	ReportOpen         = "open"
	ReportAcknowledged = "acknowledged"
	ReportResolved     = "resolved"
	ReportRejected     = "rejected"
)

// Report is a case a cadre must answer in time.
type Report struct {
	ID               int64
	Type             string
	HouseholdID      int64
	PaymentID        *int64
	RegionCode       string
	Kind             string
	Text             string
	PhotoIDs         string `gorm:"column:photo_ids"` // JSON array
	ReporterUserID   *int64
	ReporterCadreID  *int64
	ReporterRelation string
	Status           string
	AssignedCadreID  *int64
	Department       string
	FirstDeadline    time.Time
	FinalDeadline    time.Time
	AcknowledgedAt   *time.Time
	ClosedAt         *time.Time
	EscalationLevel  int
	EscalatedAt      *time.Time
	Answer           *string
	OpenKey          *string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName names the table.
func (Report) TableName() string { return "reports" }

// ReportEvent is one step in a report's life, kept forever.
type ReportEvent struct {
	ID         int64
	ReportID   int64
	FromStatus string
	ToStatus   string
	ActorKind  string
	ActorID    int64
	ActorName  string
	Message    *string
	CreatedAt  time.Time
}

// TableName names the table.
func (ReportEvent) TableName() string { return "report_events" }
