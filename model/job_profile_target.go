package model

// Kind fits of a matching target: why a profile takes a kind of work.
const (
	KindWanted   = "wanted"   // the worker named it
	KindAny      = "any"      // the worker named no kinds: every kind
	KindPriority = "priority" // 公益性岗位 / 帮扶车间 added for weak and half labour
)

// JobProfileTarget is one row of the matching index: a profile open to
// offers, one kind of work it takes and one place it will go, with what
// scoring needs (service/matching builds and reads it).
type JobProfileTarget struct {
	Kind          string `gorm:"primaryKey"`
	PlaceKey      string `gorm:"primaryKey"`
	ProfileID     int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID        int64
	HomeRegion    string
	Capacity      string
	KindFit       string
	MinWageFen    int64
	WageUnit      string
	AvailableFrom Date
	BirthYear     int
	Skills        string // '|'-separated
}

// TableName names the table.
func (JobProfileTarget) TableName() string { return "job_profile_targets" }
