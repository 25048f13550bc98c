package model

import "time"

// Labour capacities (劳动能力): weak and half labour get 公益性岗位 and 帮扶车间 first.
const (
	CapacityFull = "full" // 普通劳动力
	CapacityWeak = "weak" // 弱劳动力
	CapacityHalf = "half" // 半劳动力
	CapacityNone = "none" // 无劳动力
)

// Employment statuses of a member.
const (
	EmploymentUnknown    = "unknown"
	EmploymentEmployed   = "employed"
	EmploymentUnemployed = "unemployed"
	EmploymentReturned   = "returned" // 返乡
)

// Member is one person in a household.
type Member struct {
	ID               int64
	HouseholdID      int64
	Name             string
	Relation         string
	Gender           string
	BirthDate        Date
	IDCard           Sealed `gorm:"embedded;embeddedPrefix:id_card_" json:"-"`
	Phone            Sealed `gorm:"embedded;embeddedPrefix:phone_" json:"-"`
	LabourCapacity   string
	WishToWork       bool
	EmploymentStatus string
	InSchool         bool
	Disability       string
	Status           string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName names the table.
func (Member) TableName() string { return "members" }

// AgeOn returns the member's age in whole years on date d (0 when unknown).
func (m Member) AgeOn(d Date) int {
	if m.BirthDate.IsZero() {
		return 0
	}
	age := d.Year - m.BirthDate.Year
	if d.Month < m.BirthDate.Month || (d.Month == m.BirthDate.Month && d.Day < m.BirthDate.Day) {
		age--
	}
	return age
}
