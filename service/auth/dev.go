package auth

import (
	"context"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// The demo people the demo seed creates and POST /api/v1/auth/dev signs in
// as (only with --demo).
const (
	DemoHouseholdOpenID = "demo-openid-household"
	DemoCadreOpenID     = "demo-openid-cadre"
	DemoCountyOfficial  = "demo-county"
	DemoTownOfficial    = "demo-town"
)

// DevSignIn signs in as the demo person of a role: always the same person
// for a role, so a demo can be followed step by step.
func (s *Service) DevSignIn(ctx context.Context, role, ip, ua string) (SignedIn, error) {
	switch role {
	case RoleHousehold, RoleCadre:
		openid := DemoHouseholdOpenID
		if role == RoleCadre {
			openid = DemoCadreOpenID
		}
		var u model.User
		if err := s.db.WithContext(ctx).Where("miniapp_openid = ?", openid).Take(&u).Error; err != nil {
			if model.IsNotFound(err) {
				return SignedIn{}, apperr.New(apperr.NotFound, "demo_not_seeded", "演示数据尚未生成")
			}
			return SignedIn{}, err
		}
		return s.SignInUser(ctx, u.ID, ip, ua)
	case RoleOfficial:
		var a model.AdminUser
		if err := s.db.WithContext(ctx).Where("username = ?", DemoCountyOfficial).Take(&a).Error; err != nil {
			if model.IsNotFound(err) {
				return SignedIn{}, apperr.New(apperr.NotFound, "demo_not_seeded", "演示数据尚未生成")
			}
			return SignedIn{}, err
		}
		return s.SignInAdmin(ctx, a.ID, ip, ua)
	}
	return SignedIn{}, apperr.BadInput("invalid_role", "role 须为 household、cadre 或 official")
}
