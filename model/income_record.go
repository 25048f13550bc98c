package model

import "time"

// IncomeRecord is a household's income for one year, in its four parts. A
// correction adds a revision and clears IsCurrent on the old one.
type IncomeRecord struct {
	ID            int64
	HouseholdID   int64
	Year          int
	WageFen       int64
	BusinessFen   int64
	TransferFen   int64
	PropertyFen   int64
	HouseholdSize int
	PerCapitaFen  int64
	Revision      int
	IsCurrent     bool
	ActorKind     string
	ActorID       int64
	Note          string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName names the table.
func (IncomeRecord) TableName() string { return "income_records" }

// TotalFen is the household's net income: the sum of the four parts.
func (r IncomeRecord) TotalFen() int64 {
	return r.WageFen + r.BusinessFen + r.TransferFen + r.PropertyFen
}

// PerCapita divides total by size, rounding down to the fen, so a household
// is never shown above a line it has not reached.
func PerCapita(totalFen int64, size int) int64 {
	if size <= 0 {
		return 0
	}
	q := totalFen / int64(size)
	if totalFen < 0 && totalFen%int64(size) != 0 {
		q--
	}
	return q
}

// IncomePlan is a 增收计划 (一户一策) required for 提级帮扶 households.
type IncomePlan struct {
	ID          int64
	HouseholdID int64
	Measures    string
	Responsible string
	TargetFen   int64
	ReviewDate  Date
	ActorKind   string
	ActorID     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName names the table.
func (IncomePlan) TableName() string { return "income_plans" }
