package model

import "time"

// PaymentEvent is one status change of a payment already on file
// (scheduled → paid, paid → returned, ...), written in the transaction that
// changed the payment so that notifications can tell "newly paid" from
// "still paid". Payments created by an import have none.
type PaymentEvent struct {
	ID          int64
	PaymentID   int64
	HouseholdID int64
	RegionCode  string
	FromStatus  string
	ToStatus    string
	ImportRunID *int64
	CreatedAt   time.Time
}

// TableName names the table.
func (PaymentEvent) TableName() string { return "payment_events" }
