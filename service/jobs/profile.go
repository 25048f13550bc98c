package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/matching"
)

// ProfileInput is what a worker says they can do and want (PUT
// /api/v1/me/job-profile). Places are region codes on file or 本地
// (local), 县城周边 (county), 县外 (outside_county), 省外 (outside_province);
// no kinds means any kind; capacity defaults to the member's record.
type ProfileInput struct {
	Skills        []string   `json:"skills"`
	Places        []string   `json:"places"`
	Kinds         []string   `json:"kinds"`
	MinWageFen    int64      `json:"min_wage_fen"`
	WageUnit      string     `json:"wage_unit"`
	AvailableFrom model.Date `json:"available_from"`
	Capacity      string     `json:"capacity"`
}

// ProfileView is the stored profile.
type ProfileView struct {
	Skills        []string   `json:"skills"`
	Places        []string   `json:"places"`
	PlaceNames    []string   `json:"place_names"`
	Kinds         []string   `json:"kinds"`
	MinWageFen    int64      `json:"min_wage_fen"`
	WageUnit      string     `json:"wage_unit"`
	AvailableFrom model.Date `json:"available_from"`
	Capacity      string     `json:"capacity"`
	Matching      bool       `json:"matching"` // open to offers: false while the worker is recorded in work
	UpdatedAt     time.Time  `json:"updated_at"`
}

const maxPlaces = 10

var errNotMember = apperr.New(apperr.Forbidden, "household_member_only", "请先绑定家庭成员身份后再填写求职意向")

// validateProfile checks a worker's profile input and returns it normalised.
func (s *Service) validateProfile(ctx context.Context, in ProfileInput, member model.Member) (ProfileInput, error) {
	var err error
	if in.Skills, err = s.checkTags("skills", in.Skills); err != nil {
		return in, err
	}
	if len(in.Places) == 0 {
		return in, invalid("places", "missing_places", "请至少选择一个愿意去工作的地方")
	}
	if len(in.Places) > maxPlaces {
		return in, invalid("places", "too_many_places", fmt.Sprintf("愿意去的地方最多 %d 个", maxPlaces))
	}
	var places []string
	for _, raw := range in.Places {
		pl, ok := matching.ParsePlace(raw)
		if !ok {
			return in, invalid("places", "invalid_place", fmt.Sprintf("地点“%s”不正确：应为本地、县城周边、县外、省外或 12 位地区代码", truncateRunes(raw, 20)))
		}
		if matching.IsRegionPlace(pl) {
			if err := s.checkRegion(ctx, "places", pl); err != nil {
				return in, err
			}
		}
		places = append(places, pl)
	}
	in.Places = dedupe(places)
	if len(in.Kinds) > len(model.JobKinds) {
		return in, invalid("kinds", "too_many_kinds", "岗位类型重复")
	}
	for _, k := range in.Kinds {
		if err := checkKind("kinds", k); err != nil {
			return in, err
		}
	}
	in.Kinds = dedupe(in.Kinds)
	if in.WageUnit == "" {
		in.WageUnit = model.WageMonth
	}
	if in.WageUnit != model.WageMonth && in.WageUnit != model.WageDay {
		return in, invalid("wage_unit", "invalid_wage_unit", "期望工资单位应为 month（月）或 day（日）")
	}
	if in.MinWageFen < 0 || in.MinWageFen > wageCap(in.WageUnit) {
		return in, invalid("min_wage_fen", "invalid_wage", fmt.Sprintf("期望工资应在 0 到 %d 元之间", wageCap(in.WageUnit)/100))
	}
	if !in.AvailableFrom.IsZero() && s.today().AddDays(maxValidityDays).Before(in.AvailableFrom) {
		return in, invalid("available_from", "invalid_available_from", "可上岗日期最多填一年以内")
	}
	if in.Capacity == "" {
		in.Capacity = member.LabourCapacity
		if in.Capacity != model.CapacityFull && in.Capacity != model.CapacityHalf {
			in.Capacity = model.CapacityWeak // none or unknown on record: 公益性岗位 and 帮扶车间 first
		}
	}
	switch in.Capacity {
	case model.CapacityFull, model.CapacityWeak, model.CapacityHalf:
	default:
		return in, invalid("capacity", "invalid_capacity", "劳动能力应为 full（普通劳动力）、weak（弱劳动力）或 half（半劳动力）")
	}
	return in, nil
}

// SaveProfile writes the signed-in member's job profile, records that they
// wish to work, and rebuilds their rows in the matching index, all in one
// transaction.
func (s *Service) SaveProfile(ctx context.Context, p auth.Principal, in ProfileInput) (ProfileView, error) {
	if p.Role != auth.RoleHousehold || p.MemberID == 0 {
		return ProfileView{}, errNotMember
	}
	var saved model.JobProfile
	var member model.Member
	var region string
	save := func(tx *model.DB) error {
		var err error
		if member, region, err = s.memberOf(ctx, tx, p); err != nil {
			return err
		}
		if in, err = s.validateProfile(ctx, in, member); err != nil {
			return err
		}
		skills, _ := marshalTags(in.Skills)
		places, _ := json.Marshal(in.Places)
		kinds, _ := json.Marshal(orEmpty(in.Kinds))
		q := tx.WithContext(ctx).Where("user_id = ?", p.UserID)
		if tx.Dialect == model.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		err = q.Take(&saved).Error
		if err != nil && !model.IsNotFound(err) {
			return err
		}
		saved.UserID, saved.MemberID, saved.HouseholdID, saved.RegionCode = p.UserID, &member.ID, &member.HouseholdID, region
		saved.Skills, saved.Places, saved.Kinds = skills, string(places), string(kinds)
		saved.MinWageFen, saved.WageUnit, saved.AvailableFrom, saved.Capacity = in.MinWageFen, in.WageUnit, in.AvailableFrom, in.Capacity
		saved.Active = member.EmploymentStatus != model.EmploymentEmployed
		if err := tx.WithContext(ctx).Save(&saved).Error; err != nil {
			return err
		}
		if !member.WishToWork {
			if err := tx.WithContext(ctx).Model(&member).Update("wish_to_work", true).Error; err != nil {
				return err
			}
		}
		prof, err := matching.ProfileFrom(saved, member.BirthDate.Year)
		if err != nil {
			return err
		}
		if err := matching.Reindex(ctx, tx, prof); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "job_profile.save", TargetKind: "member",
			TargetID: member.ID, RegionCode: region, Detail: map[string]any{
				"places": in.Places, "kinds": in.Kinds, "capacity": in.Capacity, "wish_to_work_set": !member.WishToWork}})
	}
	err := s.db.Tx(ctx, save)
	if model.IsDuplicate(err) { // two first saves raced; the second now finds the first's row
		saved = model.JobProfile{}
		err = s.db.Tx(ctx, save)
	}
	if err != nil {
		return ProfileView{}, err
	}
	return s.profileView(ctx, saved)
}

// memberOf loads the signed-in member and their home village.
func (s *Service) memberOf(ctx context.Context, db *model.DB, p auth.Principal) (model.Member, string, error) {
	var m model.Member
	err := db.WithContext(ctx).Where("id = ? AND household_id = ? AND status = ?", p.MemberID, p.HouseholdID, "active").Take(&m).Error
	if model.IsNotFound(err) {
		return m, "", errNotMember
	}
	if err != nil {
		return m, "", err
	}
	var h model.Household
	if err := db.WithContext(ctx).Select("id", "region_code").Take(&h, m.HouseholdID).Error; err != nil {
		return m, "", err
	}
	return m, h.RegionCode, nil
}

// Profile returns the signed-in worker's profile.
func (s *Service) Profile(ctx context.Context, p auth.Principal) (ProfileView, error) {
	var m model.JobProfile
	if err := s.db.WithContext(ctx).Where("user_id = ?", p.UserID).Take(&m).Error; err != nil {
		if model.IsNotFound(err) {
			return ProfileView{}, matching.ErrNoProfile
		}
		return ProfileView{}, err
	}
	return s.profileView(ctx, m)
}

func (s *Service) profileView(ctx context.Context, m model.JobProfile) (ProfileView, error) {
	prof, err := matching.ProfileFrom(m, 0)
	if err != nil {
		return ProfileView{}, err
	}
	names, err := s.regionNames(ctx, prof.Places)
	if err != nil {
		return ProfileView{}, err
	}
	v := ProfileView{Skills: orEmpty(prof.Skills), Places: orEmpty(prof.Places), Kinds: orEmpty(prof.Kinds),
		MinWageFen: m.MinWageFen, WageUnit: m.WageUnit, AvailableFrom: m.AvailableFrom, Capacity: m.Capacity,
		Matching: m.Active, UpdatedAt: m.UpdatedAt.In(s.loc), PlaceNames: []string{}}
	for _, pl := range v.Places {
		name := matching.PlaceNames[pl]
		if name == "" {
			name = names[pl]
		}
		v.PlaceNames = append(v.PlaceNames, name)
	}
	return v, nil
}

// Recommended returns the postings best for the signed-in worker, with
// scores and reasons.
func (s *Service) Recommended(ctx context.Context, p auth.Principal, limit int) (Page[RecommendedJob], error) {
	if p.Role != auth.RoleHousehold {
		return Page[RecommendedJob]{}, errNotMember
	}
	if limit <= 0 {
		limit = 10
	}
	scored, err := s.engine.Recommend(ctx, p.UserID, min(limit, maxLimit))
	if err != nil {
		return Page[RecommendedJob]{}, err
	}
	ids := make([]int64, len(scored))
	for i, sc := range scored {
		ids[i] = sc.JobID
	}
	var rows []model.Job
	if len(ids) > 0 {
		if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
			return Page[RecommendedJob]{}, err
		}
	}
	views, err := s.views(ctx, rows)
	if err != nil {
		return Page[RecommendedJob]{}, err
	}
	byID := map[int64]JobView{}
	for _, v := range views {
		byID[v.ID] = v
	}
	out := Page[RecommendedJob]{Items: make([]RecommendedJob, 0, len(scored))}
	for _, sc := range scored {
		if v, ok := byID[sc.JobID]; ok {
			out.Items = append(out.Items, RecommendedJob{JobView: v, Score: sc.Score, Reasons: orEmpty(sc.Reasons)})
		}
	}
	return out, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
