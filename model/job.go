package model

import "time"

// Job kinds (DOMAIN.md).
var JobKinds = map[string]string{
	"migrant":        "外出务工",
	"park":           "县城周边园区",
	"workshop":       "就近就业/帮扶车间",
	"public_welfare": "乡村公益性岗位",
	"work_relief":    "以工代赈",
	"gig":            "零工",
}

// Job statuses. An open posting past its valid_until is expired: it drops
// out of every list and match whether or not CloseExpired has run yet.
const (
	JobOpen   = "open"
	JobClosed = "closed"
)

// Wage units of a posting.
const (
	WageMonth = "month"
	WageDay   = "day"
	WagePiece = "piece"
)

// Physical demands of a posting.
const (
	DemandLight  = "light"
	DemandMedium = "medium"
	DemandHeavy  = "heavy"
)

// Job is a job posting.
type Job struct {
	ID             int64
	ExternalNo     *string
	Kind           string
	Title          string
	Employer       string
	RegionCode     string
	Address        string
	Latitude       *float64
	Longitude      *float64
	WageMinFen     int64
	WageMaxFen     int64
	WageUnit       string
	Headcount      int
	Filled         int
	SkillTags      string  // JSON array
	TagKey         *string // the tags '|'-joined for the matching index (0006); nil: not set, read SkillTags
	AgeMin         *int
	AgeMax         *int
	PhysicalDemand string
	Benefits       string // JSON object
	ContactName    string
	ContactPhone   Sealed `gorm:"embedded;embeddedPrefix:contact_phone_" json:"-"`
	Description    *string
	Status         string
	ValidFrom      Date
	ValidUntil     Date
	PublishedAt    time.Time
	CreatedBy      *int64
	OwnerRegion    string // the publishing office's region scope (0006)
	ChangeSeq      int64  `gorm:"->"` // stamped by MarkJobsChanged (0012), never written through the struct
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TableName names the table.
func (Job) TableName() string { return "jobs" }

// JobTag is one skill tag of a job, kept in its own table so matching can
// find jobs by tag with an index.
type JobTag struct {
	JobID int64  `gorm:"primaryKey;autoIncrement:false"`
	Tag   string `gorm:"primaryKey"`
}

// TableName names the table.
func (JobTag) TableName() string { return "job_tags" }
