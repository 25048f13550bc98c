package model

import "time"

// Household classes (DOMAIN.md: 脱贫户 and the three kinds of 监测对象).
const (
	ClassPovertyAlleviated = "poverty_alleviated" // 脱贫户
	ClassMonitorUnstable   = "monitor_unstable"   // 脱贫不稳定户
	ClassMonitorMarginal   = "monitor_marginal"   // 边缘易致贫户
	ClassMonitorSudden     = "monitor_sudden"     // 突发严重困难户
)

// HouseholdClasses lists the classes with their Chinese names.
var HouseholdClasses = map[string]string{
	ClassPovertyAlleviated: "脱贫户",
	ClassMonitorUnstable:   "脱贫不稳定户",
	ClassMonitorMarginal:   "边缘易致贫户",
	ClassMonitorSudden:     "突发严重困难户",
}

// Support levels: 提级帮扶 households get a leader pairing and shorter visit periods.
const (
	SupportNormal   = "normal"
	SupportElevated = "elevated"
)

// Household is one 户 on file.
type Household struct {
	ID           int64
	HouseholdNo  string
	RegionCode   string
	Class        string
	Status       string
	SupportLevel string
	HeadName     string
	Address      string
	Latitude     *float64
	Longitude    *float64
	Size         int
	LabourCount  int
	Phone        Sealed `gorm:"embedded;embeddedPrefix:phone_" json:"-"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName names the table.
func (Household) TableName() string { return "households" }

// IsMonitored reports whether the household is a 监测对象 rather than only 脱贫户.
func (h Household) IsMonitored() bool { return h.Class != ClassPovertyAlleviated }
