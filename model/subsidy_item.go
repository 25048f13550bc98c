package model

import "time"

// Payees and schedules of subsidy items.
const (
	PayeeHousehold = "household"
	PayeeMember    = "member"

	ScheduleMonthly   = "monthly"
	ScheduleQuarterly = "quarterly"
	ScheduleYearly    = "yearly"
	ScheduleOnce      = "once"
)

// SubsidyItem is one kind of subsidy (低保, 耕地地力保护补贴, ...).
type SubsidyItem struct {
	Code       string `gorm:"primaryKey"`
	Name       string
	Department string
	ViaCard    bool
	Payee      string
	Schedule   string
	SortOrder  int
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName names the table.
func (SubsidyItem) TableName() string { return "subsidy_items" }
