package model

import "time"

// Region levels, by the length of the code's significant prefix.
const (
	LevelProvince = 1 // 2 digits
	LevelCity     = 2 // 4
	LevelCounty   = 3 // 6
	LevelTown     = 4 // 9
	LevelVillage  = 5 // 12
)

// Region is one 统计用区划代码 entry.
type Region struct {
	Code            string `gorm:"primaryKey"`
	Name            string
	Level           int
	ParentCode      *string
	RuralPopulation int
	Latitude        *float64
	Longitude       *float64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// TableName names the table.
func (Region) TableName() string { return "regions" }

// regionPrefixLen is how many digits of a 12-digit code each level keeps.
var regionPrefixLen = map[int]int{LevelProvince: 2, LevelCity: 4, LevelCounty: 6, LevelTown: 9, LevelVillage: 12}

// RegionPrefix returns the significant prefix of a code at its level: the
// scope string for "this region and everything under it".
func RegionPrefix(code string, level int) string {
	n, ok := regionPrefixLen[level]
	if !ok || len(code) < n {
		return code
	}
	return code[:n]
}

// RegionLevelOf infers the level of a well-formed 12-digit code from its
// trailing zeros: 410122000000 is a county, 410122100000 a town.
func RegionLevelOf(code string) int {
	switch {
	case len(code) != 12:
		return 0
	case code[2:] == "0000000000":
		return LevelProvince
	case code[4:] == "00000000":
		return LevelCity
	case code[6:] == "000000":
		return LevelCounty
	case code[9:] == "000":
		return LevelTown
	default:
		return LevelVillage
	}
}

// ValidRegionCode reports whether s is 12 digits.
func ValidRegionCode(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
