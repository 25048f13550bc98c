// Package auth signs people in and says who they are: WeChat users
// (households, cadres, guests) by token, officials by console session, and
// the Principal every handler and store query is scoped by.
package auth

import (
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Roles a principal can have.
const (
	RoleGuest     = "guest"     // WeChat user, not bound
	RoleHousehold = "household" // bound to a household member
	RoleCadre     = "cadre"     // bound to a cadre
	RoleOfficial  = "official"  // console user with a region scope
	RoleSysadmin  = "sysadmin"  // console user who manages the deployment
)

// Principal is the signed-in caller.
type Principal struct {
	Role        string `json:"role"`
	UserID      int64  `json:"user_id,omitempty"`  // WeChat user
	AdminID     int64  `json:"admin_id,omitempty"` // console user
	HouseholdID int64  `json:"household_id,omitempty"`
	MemberID    int64  `json:"member_id,omitempty"`
	CadreID     int64  `json:"cadre_id,omitempty"`
	RegionScope string `json:"region_scope,omitempty"` // officials: their prefix; cadres: their village
	Name        string `json:"name,omitempty"`
	Department  string `json:"department,omitempty"`
	TokenID     string `json:"token_id"`
	CSRFToken   string `json:"csrf_token,omitempty"`
}

// Scope is the store scope of the principal.
func (p Principal) Scope() model.Scope {
	switch p.Role {
	case RoleHousehold:
		return model.HouseholdScope(p.HouseholdID)
	case RoleCadre:
		return model.CadreScope(p.CadreID, p.RegionScope)
	case RoleOfficial, RoleSysadmin:
		return model.RegionScope(p.RegionScope)
	}
	return model.Scope{}
}

// IsAdmin reports whether the principal is a console user.
func (p Principal) IsAdmin() bool { return p.Role == RoleOfficial || p.Role == RoleSysadmin }

// ActorKind names the principal in the audit log and in case histories.
func (p Principal) ActorKind() string {
	if p.IsAdmin() {
		return "official"
	}
	return p.Role
}

// ActorID is the id matching ActorKind.
func (p Principal) ActorID() int64 {
	switch {
	case p.IsAdmin():
		return p.AdminID
	case p.Role == RoleCadre:
		return p.CadreID
	}
	return p.UserID
}

// Actor is the principal as the audit log names it.
func (p Principal) Actor() audit.Actor {
	return audit.Actor{Kind: p.ActorKind(), ID: p.ActorID(), Name: p.Name}
}
