package risk

import (
	"context"
	"strconv"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// FlagFilter narrows the officials' list of flagged households.
type FlagFilter struct {
	Flag   string // one flag, or "" for any
	Region string // a region prefix inside the caller's scope, or ""
	Cursor string // from the previous page
	Limit  int    // default 50, at most 200
}

// FlaggedHousehold is one household with standing flags, as officials see
// it: enough to act on (who, where, how poor, is the 提级帮扶 in place).
type FlaggedHousehold struct {
	HouseholdID  int64      `json:"household_id"`
	HouseholdNo  string     `json:"household_no"`
	HeadName     string     `json:"head_name"`
	RegionCode   string     `json:"region_code"`
	VillageName  string     `json:"village_name"`
	Class        string     `json:"class"`
	ClassName    string     `json:"class_name"`
	SupportLevel string     `json:"support_level"`
	Size         int        `json:"size"`
	IncomeYear   int        `json:"income_year,omitempty"`
	PerCapitaFen *int64     `json:"per_capita_fen"`
	HasPlan      bool       `json:"has_plan"`
	HasLeader    bool       `json:"has_leader"`
	Flags        []FlagView `json:"flags"`
}

// FlaggedVillage is a village with a standing flag (重点村).
type FlaggedVillage struct {
	RegionCode      string    `json:"region_code"`
	Name            string    `json:"name"`
	RuralPopulation int       `json:"rural_population"`
	Flag            string    `json:"flag"`
	FlagName        string    `json:"flag_name"`
	Year            int       `json:"year"`
	RaisedAt        time.Time `json:"raised_at"`
	Detail          any       `json:"detail,omitempty"`
}

var errBadFlag = apperr.BadInput("invalid_flag", "不认识的风险标记")

func checkFilter(f *FlagFilter) (int64, error) {
	if f.Flag != "" {
		if _, ok := model.FlagNames[f.Flag]; !ok || f.Flag == model.FlagPriorityVillage {
			return 0, errBadFlag
		}
	}
	if !validPrefix(f.Region) {
		return 0, errBadRegion
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	if f.Cursor == "" {
		return 0, nil
	}
	after, err := strconv.ParseInt(f.Cursor, 10, 64)
	if err != nil || after < 0 {
		return 0, apperr.BadInput("invalid_cursor", "翻页参数无效")
	}
	return after, nil
}

// FlaggedHouseholds lists households in the caller's scope with standing
// flags, by household id, a page at a time; it returns the next page's
// cursor ("" at the end). The read (names and incomes) is audited.
func (s *Service) FlaggedHouseholds(ctx context.Context, p auth.Principal, f FlagFilter) ([]FlaggedHousehold, string, error) {
	items, next, err := s.flaggedHouseholds(ctx, p.Scope(), f)
	if err != nil {
		return nil, "", err
	}
	region := f.Region
	if region == "" {
		region = p.RegionScope
	}
	err = s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "flags.list", TargetKind: "household", RegionCode: region,
		Detail: map[string]any{"flag": f.Flag, "count": len(items)}})
	return items, next, err
}

func (s *Service) flaggedHouseholds(ctx context.Context, scope model.Scope, f FlagFilter) ([]FlaggedHousehold, string, error) {
	after, err := checkFilter(&f)
	if err != nil {
		return nil, "", err
	}
	exists := "EXISTS (SELECT 1 FROM household_flags hf WHERE hf.household_id = households.id AND hf.cleared_at IS NULL"
	args := []any{}
	if f.Flag != "" {
		exists += " AND hf.flag = ?"
		args = append(args, f.Flag)
	}
	q := s.db.WithContext(ctx).Where(exists+")", args...).Where("households.id > ?", after)
	if f.Region != "" {
		q = q.Where("households.region_code LIKE ?", f.Region+"%")
	}
	q = scope.Households(q, "households.id", "households.region_code")
	var hs []model.Household
	if err := q.Order("households.id").Limit(f.Limit + 1).Find(&hs).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(hs) > f.Limit {
		hs = hs[:f.Limit]
		next = strconv.FormatInt(hs[len(hs)-1].ID, 10)
	}
	items, err := s.describe(ctx, hs)
	return items, next, err
}

// describe adds names, incomes, plans, leaders and flags to a page of
// households, with one query each for the page.
func (s *Service) describe(ctx context.Context, hs []model.Household) ([]FlaggedHousehold, error) {
	items := make([]FlaggedHousehold, 0, len(hs))
	if len(hs) == 0 {
		return items, nil
	}
	ids := make([]int64, len(hs))
	codes := make([]string, len(hs))
	for i, h := range hs {
		ids[i], codes[i] = h.ID, h.RegionCode
	}
	db := s.db.WithContext(ctx)
	var regions []model.Region
	if err := db.Where("code IN ?", codes).Find(&regions).Error; err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range regions {
		names[r.Code] = r.Name
	}
	var incomes []model.IncomeRecord
	if err := db.Where("household_id IN ? AND is_current = ?", ids, true).Order("year").Find(&incomes).Error; err != nil {
		return nil, err
	}
	latest := map[int64]model.IncomeRecord{}
	for _, r := range incomes {
		latest[r.HouseholdID] = r // ordered by year: the last one stays
	}
	var planned, led []int64
	if err := db.Model(&model.IncomePlan{}).Where("household_id IN ?", ids).Distinct().Pluck("household_id", &planned).Error; err != nil {
		return nil, err
	}
	if err := db.Model(&model.Pairing{}).Where("household_id IN ? AND role = ? AND ended_on IS NULL", ids, model.RoleLeader).
		Distinct().Pluck("household_id", &led).Error; err != nil {
		return nil, err
	}
	flags, err := ActiveFlags(ctx, s.db, s.loc, ids)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		it := FlaggedHousehold{HouseholdID: h.ID, HouseholdNo: h.HouseholdNo, HeadName: h.HeadName, RegionCode: h.RegionCode,
			VillageName: names[h.RegionCode], Class: h.Class, ClassName: model.HouseholdClasses[h.Class], SupportLevel: h.SupportLevel,
			Size: h.Size, HasPlan: contains(planned, h.ID), HasLeader: contains(led, h.ID), Flags: nonNil(flags[h.ID])}
		if r, ok := latest[h.ID]; ok {
			pc := r.PerCapitaFen
			it.IncomeYear, it.PerCapitaFen = r.Year, &pc
		}
		items = append(items, it)
	}
	return items, nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// FlaggedVillages lists villages in scope with a standing flag, by code, a
// page at a time (the cursor is the last code).
func (s *Service) FlaggedVillages(ctx context.Context, scope model.Scope, region, cursor string, limit int) ([]FlaggedVillage, string, error) {
	if !validPrefix(region) || (cursor != "" && !model.ValidRegionCode(cursor)) {
		return nil, "", errBadRegion
	}
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 500)
	q := s.db.WithContext(ctx).Table("village_flags").
		Select("village_flags.region_code, village_flags.flag, village_flags.year, village_flags.raised_at, village_flags.detail, regions.name, regions.rural_population").
		Joins("JOIN regions ON regions.code = village_flags.region_code").
		Where("village_flags.cleared_at IS NULL AND village_flags.region_code > ?", cursor)
	if region != "" {
		q = q.Where("village_flags.region_code LIKE ?", region+"%")
	}
	q = scope.Regions(q, "village_flags.region_code")
	var rows []struct {
		RegionCode      string
		Flag            string
		Year            int
		RaisedAt        time.Time
		Detail          string
		Name            string
		RuralPopulation int
	}
	if err := q.Order("village_flags.region_code").Limit(limit + 1).Scan(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[len(rows)-1].RegionCode
	}
	out := make([]FlaggedVillage, 0, len(rows))
	for _, r := range rows {
		out = append(out, FlaggedVillage{RegionCode: r.RegionCode, Name: r.Name, RuralPopulation: r.RuralPopulation, Flag: r.Flag,
			FlagName: nameOf(r.Flag), Year: r.Year, RaisedAt: r.RaisedAt.In(s.loc), Detail: detailJSON(r.Detail)})
	}
	return out, next, nil
}
