package model

import (
	"fmt"
	"time"
)

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

// PaymentUnsettledSQL is the SQL condition, on the payments row aliased p,
// that no paid payment settles it: no other payment of the same household
// or member, item and period is paid and "not earlier" (due on or after it,
// or paid on or after its due date). A failed or returned payment past its
// due date plus the grace days that nothing settles is money that never
// arrived (漏发), as much as an overdue scheduled one. "Not earlier" is
// there because an item paid in batches of one period (雨露计划's two
// semesters of a year) must not count the first semester's paid money as
// the re-issue of a failed second one. uq_payments_natural (household_id,
// member_id, item_code, period, ...) answers the probe.
func PaymentUnsettledSQL(p string) string {
	return "NOT EXISTS (SELECT 1 FROM payments re WHERE re.household_id = " + p + ".household_id AND re.member_id = " +
		p + ".member_id AND re.item_code = " + p + ".item_code AND re.period = " + p + ".period AND re.status = '" +
		PaymentPaid + "' AND re.id <> " + p + ".id AND (re.due_date >= " + p + ".due_date OR re.paid_date >= " + p + ".due_date))"
}

// PaymentOverdueSQL is the SQL condition, on the payments row aliased p,
// that it is overdue on the day whose cut (today − grace days) is bound to
// its placeholder: scheduled and due before cut, as StatusOn says.
func PaymentOverdueSQL(p string) string {
	return p + ".status = '" + PaymentScheduled + "' AND " + p + ".due_date < ?"
}

// PaymentUnresolvedSQL is the SQL condition, on the payments row aliased p,
// that it is failed or returned, due before cut (bound to its placeholder)
// and settled by no later paid payment (PaymentUnsettledSQL).
func PaymentUnresolvedSQL(p string) string {
	return p + ".status IN ('" + PaymentFailed + "', '" + PaymentReturned + "') AND " + p + ".due_date < ? AND " +
		PaymentUnsettledSQL(p)
}

// PaymentMissedSQL is the SQL condition, on the payments row aliased p, of
// money that should have arrived by cut (bound to its one placeholder) and
// has not: overdue or unresolved. Lists that read everything (an export)
// use it; counts over a county ask the two halves apart
// (PaymentOverdueSQL, PaymentUnresolvedSQL) and add them up, since as one
// condition MariaDB reads the whole table rather than two index ranges.
func PaymentMissedSQL(p string) string {
	return p + ".status IN ('" + PaymentScheduled + "', '" + PaymentFailed + "', '" + PaymentReturned + "') AND " +
		p + ".due_date < ? AND (" + p + ".status = '" + PaymentScheduled + "' OR " + PaymentUnsettledSQL(p) + ")"
}

// PaymentPaidLateSQL is the SQL condition, on the payments row aliased p,
// that it was paid late (迟发): paid after its due date plus graceDays, the
// same grace an unpaid payment gets before it is overdue. Dates are
// compared in the dialect's own date arithmetic (DATE is text in SQLite);
// graceDays is a number from configuration, never input.
func PaymentPaidLateSQL(d Dialect, p string, graceDays int) string {
	cond := fmt.Sprintf("%s.status = '%s' AND %s.paid_date > ", p, PaymentPaid, p)
	if d == SQLite {
		return cond + fmt.Sprintf("date(%s.due_date, '+%d days')", p, graceDays)
	}
	return cond + fmt.Sprintf("DATE_ADD(%s.due_date, INTERVAL %d DAY)", p, graceDays)
}
