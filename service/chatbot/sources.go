package chatbot

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
)

// The bot answers from three services that other parts of the program own
// (subsidies, job matching, visits). It asks them through these small
// interfaces, so its tests and its wording do not depend on how the owners
// read the data; subsidies.go, sql_jobs.go and visits.go adapt the owners'
// services to them.

// Subsidies summarises a household's 一卡通 payments for a year.
type Subsidies interface {
	// Summary is the household's payments due in year, with statuses as
	// the mini-program shows them today.
	Summary(ctx context.Context, householdID int64, year int) (SubsidySummary, error)
}

// SubsidySummary is what the bot tells a household about a year.
type SubsidySummary struct {
	Year      int
	PaidCount int
	PaidFen   int64
	LastPaid  *PaymentLine  // the latest payment that arrived
	Overdue   []PaymentLine // due, past the grace days, not paid; oldest first
	Failed    []PaymentLine // failed or returned, with the reason
	Next      *PaymentLine  // the next one scheduled and not yet overdue
}

// PaymentLine is one payment as the bot words it.
type PaymentLine struct {
	ItemName  string
	Period    string
	AmountFen int64
	Date      model.Date // paid date for paid ones, else the due date
	Reason    string     // failure reason
}

// Jobs finds job postings.
type Jobs interface {
	// Recommended is the best n open postings for the user's job profile.
	Recommended(ctx context.Context, userID int64, n int, today model.Date) ([]JobLine, error)
	// Latest is the n newest open postings, for people we cannot match.
	Latest(ctx context.Context, n int, today model.Date) ([]JobLine, error)
}

// JobLine is one posting as the bot words it.
type JobLine struct {
	Title      string
	Employer   string
	Place      string // the region's name, or "" when unknown
	WageMinFen int64
	WageMaxFen int64
	WageUnit   string // month | day | piece
}

// Visits tells a cadre what is due.
type Visits interface {
	// Due counts the cadre's paired households by their next visit's due
	// date against today, and lists the n most urgent.
	Due(ctx context.Context, cadreID int64, today model.Date, n int) (CadreDue, error)
}

// CadreDue is a cadre's visiting work on a day.
type CadreDue struct {
	Households int // paired, active
	Overdue    int // next visit was due before today
	DueToday   int
	DueSoon    int // due within the policy's "soon" days after today
	Urgent     []DueHousehold
}

// DueHousehold is one household a cadre should visit.
type DueHousehold struct {
	HeadName  string
	Village   string
	LastVisit model.Date // zero: never visited
	NextDue   model.Date
}
