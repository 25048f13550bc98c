package model

import "time"

// Payment statuses as stored. Overdue is never stored: it is computed from
// the due date, the grace period and today (PaymentStatusOn).
const (
	PaymentScheduled = "scheduled"
	PaymentPaid      = "paid"
	PaymentFailed    = "failed"
	PaymentReturned  = "returned"
	PaymentOverdue   = "overdue" // computed only
)

// Payment is one 一卡通 payment of a subsidy item for a period.
type Payment struct {
	ID            int64
	HouseholdID   int64
	MemberID      int64 // 0: paid to the household
	RegionCode    string
	ItemCode      string
	Period        string
	BatchNo       string
	AmountFen     int64
	DueDate       Date
	PaidDate      Date
	Status        string
	FailureReason string
	CardLast4     string `gorm:"column:card_last4"`
	ImportRunID   *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName names the table.
func (Payment) TableName() string { return "payments" }

// StatusOn is the status a person sees on day today: a scheduled payment
// whose due date plus graceDays has passed is overdue.
func (p Payment) StatusOn(today Date, graceDays int) string {
	if p.Status == PaymentScheduled && p.DueDate.AddDays(graceDays).Before(today) {
		return PaymentOverdue
	}
	return p.Status
}
