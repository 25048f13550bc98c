package employment

import (
	"context"
	"sort"
	"strconv"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// A worker, for the zero-employment rule: an active member with labour
// (full, weak or half), the wish to work, and not in school.
const workerCond = "m.status = 'active' AND m.labour_capacity IN ('full', 'weak', 'half') AND m.wish_to_work = ? AND m.in_school = ?"

// zeroHouseholds selects active households in scope that have a worker
// and no member in work: 零就业家庭.
func zeroHouseholds(ctx context.Context, db *model.DB, scope model.Scope) *gorm.DB {
	q := db.WithContext(ctx).Table("households h").
		Where("h.status = 'active'").
		Where("EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND "+workerCond+")", true, false).
		Where("NOT EXISTS (SELECT 1 FROM members e WHERE e.household_id = h.id AND e.status = 'active' AND e.employment_status = ?)",
			model.EmploymentEmployed)
	return scope.Households(q, "h.id", "h.region_code")
}

// VillageCount is one village's zero-employment households.
type VillageCount struct {
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Households int    `json:"households"`
	Workers    int    `json:"workers"` // members with labour and the wish to work in those households
}

// Summary is zero-employment by village for an official.
type Summary struct {
	Items           []VillageCount `json:"items"`
	TotalHouseholds int            `json:"total_households"`
	TotalWorkers    int            `json:"total_workers"`
}

// ZeroSummary counts zero-employment households by village in the caller's
// scope, narrowed to region (a 12-digit code, or "" for the whole scope).
func (s *Service) ZeroSummary(ctx context.Context, p auth.Principal, region string) (Summary, error) {
	q := zeroHouseholds(ctx, s.db, p.Scope())
	if region != "" {
		if !model.ValidRegionCode(region) || model.RegionLevelOf(region) == 0 {
			return Summary{}, bad("region", "invalid_region", "地区代码应为 12 位数字的统计用区划代码")
		}
		q = q.Where("h.region_code LIKE ?", model.RegionPrefix(region, model.RegionLevelOf(region))+"%")
	}
	var rows []VillageCount
	err := q.Joins("JOIN members m ON m.household_id = h.id AND "+workerCond, true, false).
		Select("h.region_code AS region_code, COUNT(DISTINCT h.id) AS households, COUNT(m.id) AS workers").
		Group("h.region_code").Order("h.region_code").Scan(&rows).Error
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Items: rows}
	if out.Items == nil {
		out.Items = []VillageCount{}
	}
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.RegionCode
		out.TotalHouseholds += r.Households
		out.TotalWorkers += r.Workers
	}
	names, err := s.names(ctx, codes)
	if err != nil {
		return Summary{}, err
	}
	for i := range out.Items {
		out.Items[i].RegionName = names[out.Items[i].RegionCode]
	}
	return out, nil
}

// ZeroWorker is a member a zero-employment household could put in work.
type ZeroWorker struct {
	MemberID         int64  `json:"member_id"`
	Name             string `json:"name"`
	LabourCapacity   string `json:"labour_capacity"`
	EmploymentStatus string `json:"employment_status"`
	HasJobProfile    bool   `json:"has_job_profile"` // filled in 求职意向 in the mini-program
}

// ZeroHousehold is one zero-employment household.
type ZeroHousehold struct {
	ID          int64        `json:"id"`
	HouseholdNo string       `json:"household_no"`
	HeadName    string       `json:"head_name"`
	Class       string       `json:"class"`
	RegionCode  string       `json:"region_code"`
	RegionName  string       `json:"region_name"`
	JobLost     bool         `json:"job_lost"` // the job_lost flag stands: work was lost or a worker came home
	Workers     []ZeroWorker `json:"workers"`
}

// HouseholdPage is one page of zero-employment households.
type HouseholdPage struct {
	Items      []ZeroHousehold `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

var errBadCursor = apperr.BadInput("invalid_cursor", "翻页参数无效，请从第一页重新加载")

// ZeroHouseholds lists zero-employment households of one village in the
// caller's scope (outside it the list is empty), by id. The read is
// audited: it names people.
func (s *Service) ZeroHouseholds(ctx context.Context, p auth.Principal, village, cursor string, limit int) (HouseholdPage, error) {
	if !model.ValidRegionCode(village) || model.RegionLevelOf(village) != model.LevelVillage {
		return HouseholdPage{}, bad("village", "invalid_region", "请给出 12 位的村级地区代码（village）")
	}
	after := int64(0)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return HouseholdPage{}, errBadCursor
		}
		after = n
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := zeroHouseholds(ctx, s.db, p.Scope()).Where("h.region_code = ? AND h.id > ?", village, after)
	items, err := s.households(ctx, q, limit+1)
	if err != nil {
		return HouseholdPage{}, err
	}
	page := HouseholdPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		page.NextCursor = strconv.FormatInt(items[limit-1].ID, 10)
	}
	return page, s.auditRead(ctx, p, village, page.Items)
}

// VillageHouseholds is one village's zero-employment households.
type VillageHouseholds struct {
	RegionCode string          `json:"region_code"`
	RegionName string          `json:"region_name"`
	Households []ZeroHousehold `json:"households"`
}

// cadreCap bounds a cadre's list; a cadre's scope is their paired
// households and one village, far fewer.
const cadreCap = 1000

// CadreZero lists a cadre's zero-employment households, by village. The
// read is audited.
func (s *Service) CadreZero(ctx context.Context, p auth.Principal) ([]VillageHouseholds, error) {
	items, err := s.households(ctx, zeroHouseholds(ctx, s.db, p.Scope()), cadreCap)
	if err != nil {
		return nil, err
	}
	byVillage := map[string]*VillageHouseholds{}
	out := []VillageHouseholds{}
	var order []string
	for _, h := range items {
		v := byVillage[h.RegionCode]
		if v == nil {
			v = &VillageHouseholds{RegionCode: h.RegionCode, RegionName: h.RegionName}
			byVillage[h.RegionCode] = v
			order = append(order, h.RegionCode)
		}
		v.Households = append(v.Households, h)
	}
	sort.Strings(order)
	for _, code := range order {
		out = append(out, *byVillage[code])
	}
	return out, s.auditRead(ctx, p, p.RegionScope, items)
}

// households reads up to limit households of q with their workers, names
// and flags.
func (s *Service) households(ctx context.Context, q *gorm.DB, limit int) ([]ZeroHousehold, error) {
	var found []struct {
		ID          int64
		HouseholdNo string
		HeadName    string
		Class       string
		RegionCode  string
	}
	if err := q.Select("h.id, h.household_no, h.head_name, h.class, h.region_code").Order("h.id").Limit(limit).
		Scan(&found).Error; err != nil {
		return nil, err
	}
	rows := make([]ZeroHousehold, len(found))
	for i, f := range found {
		rows[i] = ZeroHousehold{ID: f.ID, HouseholdNo: f.HouseholdNo, HeadName: f.HeadName, Class: f.Class, RegionCode: f.RegionCode}
	}
	if len(rows) == 0 {
		return rows, nil
	}
	ids := make([]int64, len(rows))
	codes := make([]string, len(rows))
	for i, r := range rows {
		ids[i], codes[i] = r.ID, r.RegionCode
	}
	var workers []struct {
		ZeroWorker
		HouseholdID int64
	}
	if err := s.db.WithContext(ctx).Table("members m").
		Select("m.id AS member_id, m.name, m.labour_capacity, m.employment_status, m.household_id, "+
			"EXISTS (SELECT 1 FROM job_profiles p WHERE p.member_id = m.id) AS has_job_profile").
		Where("m.household_id IN ? AND "+workerCond, ids, true, false).Order("m.id").Scan(&workers).Error; err != nil {
		return nil, err
	}
	var lost []int64
	if err := s.db.WithContext(ctx).Model(&model.HouseholdFlag{}).Where("household_id IN ? AND flag = ? AND cleared_at IS NULL",
		ids, model.FlagJobLost).Pluck("household_id", &lost).Error; err != nil {
		return nil, err
	}
	names, err := s.names(ctx, codes)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*ZeroHousehold{}
	lostSet := map[int64]bool{}
	for _, id := range lost {
		lostSet[id] = true
	}
	for i := range rows {
		rows[i].RegionName, rows[i].JobLost, rows[i].Workers = names[rows[i].RegionCode], lostSet[rows[i].ID], []ZeroWorker{}
		byID[rows[i].ID] = &rows[i]
	}
	for _, w := range workers {
		if h := byID[w.HouseholdID]; h != nil {
			h.Workers = append(h.Workers, w.ZeroWorker)
		}
	}
	return rows, nil
}

func (s *Service) auditRead(ctx context.Context, p auth.Principal, region string, items []ZeroHousehold) error {
	ids := make([]int64, len(items))
	for i, h := range items {
		ids[i] = h.ID
	}
	return s.audit.Record(ctx, nil, p.Actor(), audit.Event{Action: "zero_employment.read", TargetKind: "household",
		RegionCode: region, Detail: map[string]any{"households": ids}})
}

func (s *Service) names(ctx context.Context, codes []string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	var rs []model.Region
	if err := s.db.WithContext(ctx).Select("code", "name").Where("code IN ?", codes).Find(&rs).Error; err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[r.Code] = r.Name
	}
	return out, nil
}
