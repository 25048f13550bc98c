package model

import "time"

// Pairing roles.
const (
	RoleResponsible = "responsible" // 帮扶责任人
	RoleWorkTeam    = "work_team"   // 驻村工作队
	RoleLeader      = "leader"      // 提级帮扶 county or township leader
)

// PairingRoles maps roles to Chinese names.
var PairingRoles = map[string]string{RoleResponsible: "帮扶责任人", RoleWorkTeam: "驻村工作队", RoleLeader: "提级帮扶领导"}

// Pairing links a cadre to a household they help. An ended pairing keeps
// its row (EndedOn set); pairing again reopens it.
type Pairing struct {
	ID          int64
	CadreID     int64
	HouseholdID int64
	Role        string
	StartedOn   Date
	EndedOn     Date
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName names the table.
func (Pairing) TableName() string { return "pairings" }
