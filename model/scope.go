package model

import (
	"strings"

	"gorm.io/gorm"
)

// ScopeKind says whose data a caller may see.
type ScopeKind string

// Scope kinds.
const (
	ScopeNone      ScopeKind = ""          // signed in, bound to nothing: sees no household
	ScopeHousehold ScopeKind = "household" // one household
	ScopeCadre     ScopeKind = "cadre"     // paired households, and the village they are stationed in
	ScopeRegion    ScopeKind = "region"    // an official: a region code prefix
	ScopeSystem    ScopeKind = "system"    // the program itself: schedulers, importers
)

// Scope is the caller's reach, taken by every store query that returns
// household or personal data. The zero Scope sees nothing.
type Scope struct {
	Kind         ScopeKind
	HouseholdID  int64
	CadreID      int64
	RegionPrefix string // region scopes; also a cadre's stationed village, when any
}

// HouseholdScope is one household's own view.
func HouseholdScope(id int64) Scope { return Scope{Kind: ScopeHousehold, HouseholdID: id} }

// CadreScope is a cadre's view: paired households, plus every household of
// the village they are stationed in when village is a 12-digit village code.
func CadreScope(cadreID int64, village string) Scope {
	if RegionLevelOf(village) != LevelVillage {
		village = ""
	}
	return Scope{Kind: ScopeCadre, CadreID: cadreID, RegionPrefix: village}
}

// RegionScope is an official's view of a region prefix ("" is everything).
func RegionScope(prefix string) Scope { return Scope{Kind: ScopeRegion, RegionPrefix: prefix} }

// SystemScope sees everything; only background jobs use it.
func SystemScope() Scope { return Scope{Kind: ScopeSystem} }

// likePrefix escapes a code prefix for LIKE (codes are digits, but a scope
// must never widen because of a stray wildcard).
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

// Households restricts q to households the scope may see. col is the
// qualified household id column and regionCol its region code column, e.g.
// ("households.id", "households.region_code") or ("payments.household_id",
// "payments.region_code").
func (s Scope) Households(q *gorm.DB, col, regionCol string) *gorm.DB {
	switch s.Kind {
	case ScopeSystem:
		return q
	case ScopeHousehold:
		return q.Where(col+" = ?", s.HouseholdID)
	case ScopeCadre:
		paired := col + " IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND ended_on IS NULL)"
		if s.RegionPrefix != "" {
			return q.Where("("+paired+" OR "+regionCol+" = ?)", s.CadreID, s.RegionPrefix)
		}
		return q.Where(paired, s.CadreID)
	case ScopeRegion:
		if s.RegionPrefix == "" {
			return q
		}
		return q.Where(regionCol+" LIKE ?", likePrefix(s.RegionPrefix))
	default:
		return q.Where("1 = 0")
	}
}

// Regions restricts q to region-coded rows the scope may see (officials'
// region lists, village flags). Households and cadres see only their own
// village.
func (s Scope) Regions(q *gorm.DB, regionCol string) *gorm.DB {
	switch s.Kind {
	case ScopeSystem:
		return q
	case ScopeRegion:
		if s.RegionPrefix == "" {
			return q
		}
		return q.Where(regionCol+" LIKE ?", likePrefix(s.RegionPrefix))
	case ScopeCadre:
		if s.RegionPrefix != "" {
			return q.Where(regionCol+" = ?", s.RegionPrefix)
		}
	}
	return q.Where("1 = 0")
}

// CoversRegion reports whether a region code is inside an official's scope.
func (s Scope) CoversRegion(code string) bool {
	switch s.Kind {
	case ScopeSystem:
		return true
	case ScopeRegion:
		return strings.HasPrefix(code, s.RegionPrefix)
	}
	return false
}
