package model

import (
	"encoding/json"
	"time"
)

// Location flags of a visit: far and missing are flagged for officials, never refused.
const (
	LocationOK      = "ok"
	LocationFar     = "far"
	LocationMissing = "missing"
	LocationUnknown = "unknown" // the household has no registered location
)

// Visit confirmations by the household.
const (
	ConfirmPending   = "pending"
	ConfirmConfirmed = "confirmed"
	ConfirmDenied    = "denied"
)

// Visit is one revision of a cadre's household visit. A correction adds a
// revision (RootID points at the first); the old ones stay readable.
type Visit struct {
	ID                int64
	ClientID          string
	CadreID           int64
	HouseholdID       int64
	Revision          int
	RootID            *int64
	IsCurrent         bool
	VisitedAt         time.Time
	ReceivedAt        time.Time
	Latitude          *float64
	Longitude         *float64
	AccuracyM         *float64
	DistanceM         *float64
	LocationFlag      string
	Findings          string // JSON
	IncomeDown        bool   // the findings say income_change = down (FindingsIncomeDown), for the flag rules
	Notes             *string
	PhotoIDs          string `gorm:"column:photo_ids"` // JSON array
	Confirmation      string
	ConfirmedAt       *time.Time
	ConfirmedByUserID *int64
	ConfirmationNote  string
	CorrectsID        *int64 // the revision this one corrected
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// TableName names the table.
func (Visit) TableName() string { return "visits" }

// FindingsIncomeDown reports whether a visit's findings JSON records
// income_change = down. Writers of visits set Visit.IncomeDown with it.
func FindingsIncomeDown(findings string) bool {
	var f struct {
		IncomeChange string `json:"income_change"`
	}
	return json.Unmarshal([]byte(findings), &f) == nil && f.IncomeChange == "down"
}
