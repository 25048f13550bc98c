package chatbot

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// person is who sent a message, as far as we know them.
type person struct {
	UserID      int64
	Role        string // model.UserGuest | UserHousehold | UserCadre; guest when unknown
	HouseholdID int64
	MemberID    int64
	CadreID     int64
	RegionCode  string // the household's village or the cadre's region
}

func (p person) isHousehold() bool {
	return p.Role == model.UserHousehold && p.HouseholdID != 0 && p.MemberID != 0
}
func (p person) isCadre() bool { return p.Role == model.UserCadre && p.CadreID != 0 }
func (p person) bound() bool   { return p.isHousehold() || p.isCadre() }

// fill copies what the conversation record keeps of p.
func (p person) fill(conv *model.ChatMessage) {
	if p.UserID != 0 {
		conv.UserID = &p.UserID
	}
	conv.Bound = p.bound()
	if conv.Bound {
		conv.RegionCode = p.RegionCode
	}
}

// userInfoEvery limits how often an openid we cannot place is looked up at
// WeChat: a stranger's messages must not each cost a call.
const userInfoEvery = 10 * time.Minute

// identify finds the user behind an official-account openid. A follower
// not yet known is looked up at WeChat and linked by unionid to their
// mini-program user (where binding happens), or kept as a guest so the
// link is made when they sign in to the mini-program.
func (s *Service) identify(ctx context.Context, openid string) (person, error) {
	p, found, err := s.byOpenid(ctx, openid)
	if err != nil || found {
		return p, err
	}
	if first, err := s.d.KV.SetNX(ctx, "chatbot:userinfo:"+openid, []byte("1"), userInfoEvery); err != nil || !first {
		return person{Role: model.UserGuest}, nil
	}
	info, err := s.d.WeChat.UserInfo(ctx, openid)
	if err != nil {
		// Unplaced for now: answered as a guest, looked up again later.
		s.log.Warn("chatbot: user info failed; treating the sender as unbound", "err", err)
		return person{Role: model.UserGuest}, nil
	}
	if err := s.linkFollower(ctx, openid, info.UnionID, info.Subscribed); err != nil {
		return person{}, err
	}
	p, _, err = s.byOpenid(ctx, openid)
	return p, err
}

// byOpenid reads the user and what they are bound to in one query.
func (s *Service) byOpenid(ctx context.Context, openid string) (person, bool, error) {
	var rows []struct {
		ID          int64
		Role        string
		HouseholdID *int64
		MemberID    *int64
		CadreID     *int64
		HRegion     *string
		CRegion     *string
	}
	err := s.d.DB.WithContext(ctx).Table("users").
		Select("users.id, users.role, users.household_id, users.member_id, users.cadre_id, "+
			"households.region_code AS h_region, cadres.region_code AS c_region").
		Joins("LEFT JOIN households ON households.id = users.household_id").
		Joins("LEFT JOIN cadres ON cadres.id = users.cadre_id AND cadres.status = 'active'").
		Where("users.official_openid = ?", openid).Limit(1).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return person{Role: model.UserGuest}, false, err
	}
	r := rows[0]
	p := person{UserID: r.ID, Role: r.Role}
	switch {
	case r.Role == model.UserHousehold && r.HouseholdID != nil && r.MemberID != nil && r.HRegion != nil:
		p.HouseholdID, p.MemberID, p.RegionCode = *r.HouseholdID, *r.MemberID, *r.HRegion
	case r.Role == model.UserCadre && r.CadreID != nil && r.CRegion != nil:
		p.CadreID, p.RegionCode = *r.CadreID, *r.CRegion
	default:
		p.Role = model.UserGuest
	}
	return p, true, nil
}

// linkFollower gives openid a users row: the same person's mini-program user when
// the unionid finds one (a bound one first), else a new guest row.
// Racing deliveries end with one row: the unique openid index refuses the
// second.
func (s *Service) linkFollower(ctx context.Context, openid, unionid string, follows bool) error {
	db := s.d.DB.WithContext(ctx)
	if unionid != "" {
		var ids []int64
		err := db.Model(&model.User{}).Where("unionid = ? AND official_openid IS NULL", unionid).
			Order("CASE WHEN role = 'guest' THEN 1 ELSE 0 END, id").Limit(1).Pluck("id", &ids).Error
		if err != nil {
			return err
		}
		if len(ids) == 1 {
			err := db.Model(&model.User{}).Where("id = ? AND official_openid IS NULL", ids[0]).
				Updates(map[string]any{"official_openid": openid, "follows_official": follows}).Error
			if err != nil && !model.IsDuplicate(err) {
				return err
			}
			return nil
		}
	}
	u := model.User{OfficialOpenid: &openid, Role: model.UserGuest, FollowsOfficial: follows}
	if unionid != "" {
		u.Unionid = &unionid
	}
	if err := db.Create(&u).Error; err != nil && !model.IsDuplicate(err) {
		return err
	}
	return nil
}
