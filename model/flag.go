package model

import "time"

// Household flags.
const (
	FlagUnderLine       = "under_line"       // 人均纯收入低于监测范围
	FlagIncomeFell      = "income_fell"      // 收入下降
	FlagLowGrowth       = "low_growth"       // 增速低于阈值
	FlagPriority        = "priority"         // 重点帮扶户
	FlagElevationNeeded = "elevation_needed" // 需提级帮扶 (无计划或无领导结对)
	FlagJobLost         = "job_lost"         // 失业 / 返乡
	FlagVisitOverdue    = "visit_overdue"
	FlagPriorityVillage = "priority_village" // village flag
)

// FlagNames are the flags' Chinese names.
var FlagNames = map[string]string{
	FlagUnderLine:       "低于监测范围",
	FlagIncomeFell:      "收入下降",
	FlagLowGrowth:       "增收缓慢",
	FlagPriority:        "重点帮扶户",
	FlagElevationNeeded: "需提级帮扶",
	FlagJobLost:         "务工中断/返乡",
	FlagVisitOverdue:    "走访逾期",
	FlagPriorityVillage: "重点村",
}

// HouseholdFlag is a risk flag on a household; ActiveKey is set while it
// stands, so the same flag is raised only once.
type HouseholdFlag struct {
	ID          int64
	HouseholdID int64
	Flag        string
	Year        int
	Detail      string
	RaisedAt    time.Time
	ClearedAt   *time.Time
	ActiveKey   *string
	RunID       *string // the recomputation that raised it (service/risk)
}

// TableName names the table.
func (HouseholdFlag) TableName() string { return "household_flags" }

// VillageFlag is a flag on a village (重点村).
type VillageFlag struct {
	ID         int64
	RegionCode string
	Flag       string
	Year       int
	Detail     string
	RaisedAt   time.Time
	ClearedAt  *time.Time
	ActiveKey  *string
}

// TableName names the table.
func (VillageFlag) TableName() string { return "village_flags" }
