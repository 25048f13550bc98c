package auth

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
)

// Me is GET /api/v1/me: who I am, my role, and my household or cadre scope.
type Me struct {
	Role      string       `json:"role"`
	Bound     bool         `json:"bound"`
	UserID    int64        `json:"user_id,omitempty"`
	AdminID   int64        `json:"admin_id,omitempty"`
	Name      string       `json:"name,omitempty"`
	Household *MeHousehold `json:"household,omitempty"`
	Cadre     *MeCadre     `json:"cadre,omitempty"`
	Region    *MeRegion    `json:"region,omitempty"` // officials: their scope
}

// MeHousehold is the caller's household.
type MeHousehold struct {
	ID          int64  `json:"id"`
	HouseholdNo string `json:"household_no"`
	HeadName    string `json:"head_name"`
	RegionCode  string `json:"region_code"`
	RegionName  string `json:"region_name"`
	MemberID    int64  `json:"member_id"`
	IDCard      string `json:"id_card_masked"`
}

// MeCadre is the caller's cadre record.
type MeCadre struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Paired     int64  `json:"paired_households"`
}

// MeRegion is an official's scope.
type MeRegion struct {
	Prefix     string `json:"prefix"`
	Name       string `json:"name"`
	Department string `json:"department,omitempty"`
}

// Me describes the signed-in caller.
func (s *Service) Me(ctx context.Context, p Principal) (Me, error) {
	out := Me{Role: p.Role, UserID: p.UserID, AdminID: p.AdminID, Name: p.Name, Bound: p.Role != RoleGuest}
	db := s.db.WithContext(ctx)
	switch p.Role {
	case RoleHousehold:
		var h model.Household
		var m model.Member
		if err := db.Take(&h, p.HouseholdID).Error; err != nil {
			return out, err
		}
		if err := db.Take(&m, p.MemberID).Error; err != nil {
			return out, err
		}
		out.Household = &MeHousehold{ID: h.ID, HouseholdNo: h.HouseholdNo, HeadName: h.HeadName, RegionCode: h.RegionCode,
			RegionName: s.regionName(ctx, h.RegionCode), MemberID: m.ID, IDCard: m.IDCard.Mask()}
	case RoleCadre:
		var c model.Cadre
		if err := db.Take(&c, p.CadreID).Error; err != nil {
			return out, err
		}
		var n int64
		db.Model(&model.Pairing{}).Where("cadre_id = ? AND ended_on IS NULL", c.ID).Distinct("household_id").Count(&n)
		out.Cadre = &MeCadre{ID: c.ID, Kind: c.Kind, RegionCode: c.RegionCode, RegionName: s.regionName(ctx, c.RegionCode), Paired: n}
	case RoleOfficial, RoleSysadmin:
		out.Region = &MeRegion{Prefix: p.RegionScope, Name: s.scopeName(ctx, p.RegionScope), Department: p.Department}
	}
	return out, nil
}

func (s *Service) regionName(ctx context.Context, code string) string {
	var name string
	s.db.WithContext(ctx).Model(&model.Region{}).Where("code = ?", code).Pluck("name", &name)
	return name
}

// scopeName names a region prefix by the region whose code it is the prefix of.
func (s *Service) scopeName(ctx context.Context, prefix string) string {
	if prefix == "" {
		return "全部地区"
	}
	code := prefix
	for len(code) < 12 {
		code += "0"
	}
	if n := s.regionName(ctx, code); n != "" {
		return n
	}
	return prefix
}
