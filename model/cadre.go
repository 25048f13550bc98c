package model

import "time"

// Cadre kinds (DOMAIN.md: 帮扶责任人, 驻村第一书记 and 工作队员, 村两委, and the
// leaders 提级帮扶 assigns).
var CadreKinds = map[string]string{
	"responsible":       "帮扶责任人",
	"first_secretary":   "驻村第一书记",
	"work_team":         "驻村工作队员",
	"village_committee": "村两委成员",
	"township_leader":   "乡科级领导",
	"county_leader":     "县处级领导",
}

// LeaderKinds are the kinds a 提级帮扶 leader pairing may name (DOMAIN.md:
// "a county- or township-level leader is assigned on top of the usual
// cadre"): anyone else paired as leader would clear 需提级帮扶 with no
// leader in place.
var LeaderKinds = map[string]bool{"township_leader": true, "county_leader": true}

// Cadre statuses. A cadre who left (rotated out, changed jobs) keeps the
// row, so pairings, visits and cases still name them; sign-in, invites and
// new pairings are refused to anyone not active.
const (
	CadreActive = "active"
	CadreLeft   = "left"
)

// Cadre is a person who helps households.
type Cadre struct {
	ID           int64
	Name         string
	Kind         string
	Organization string
	Position     string
	RegionCode   string
	Phone        Sealed `gorm:"embedded;embeddedPrefix:phone_" json:"-"`
	IDCard       Sealed `gorm:"embedded;embeddedPrefix:id_card_" json:"-"` // when the county's list gives it
	Status       string // CadreActive | CadreLeft
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName names the table.
func (Cadre) TableName() string { return "cadres" }
