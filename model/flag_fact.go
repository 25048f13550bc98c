package model

// FlagFact is one household's income facts in one flag recomputation
// (service/risk): scratch rows, written and deleted inside the run's
// transaction.
type FlagFact struct {
	RunID        string `gorm:"primaryKey"`
	HouseholdID  int64  `gorm:"primaryKey"`
	Year         int
	PerCapitaFen int64
	PreviousFen  *int64
	LineFen      int64
	PriorityFen  int64
	GrowthBP     int64 `gorm:"column:growth_bp"`
	HasPlan      int
	HasLeader    int
	IncomeOnly   int // the threshold's priority_rule is income_only
	InYearFall   int // an in-year fall signal stands (a visit recording income down, a job_lost flag)
}

// TableName names the table.
func (FlagFact) TableName() string { return "flag_facts" }
