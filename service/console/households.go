package console

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// HouseholdFilter narrows the household list.
type HouseholdFilter struct {
	Region       string // a region code or prefix inside the scope
	Class        string // poverty_alleviated | monitor_unstable | monitor_marginal | monitor_sudden | monitored (any 监测对象)
	SupportLevel string // normal | elevated
	Status       string // active | ... ("" all)
	Flag         string // a household flag, or "any" for any standing flag
	Visit        string // overdue: paired and not visited within its period; ok: visited within it
	Paired       string // yes | no: has a cadre paired now
	Q            string // household number prefix, or part of the head's name
	Page
}

// HouseholdRow is one household in the list. Phone numbers are masked.
type HouseholdRow struct {
	ID           int64      `json:"id"`
	HouseholdNo  string     `json:"household_no"`
	HeadName     string     `json:"head_name"`
	RegionCode   string     `json:"region_code"`
	VillageName  string     `json:"village_name"`
	TownName     string     `json:"town_name"`
	Class        string     `json:"class"`
	ClassName    string     `json:"class_name"`
	SupportLevel string     `json:"support_level"`
	Status       string     `json:"status"`
	Size         int        `json:"size"`
	LabourCount  int        `json:"labour_count"`
	Phone        string     `json:"phone_masked"`
	Flags        []FlagRef  `json:"flags"`
	Cadres       []string   `json:"cadres"` // names of the cadres paired now
	LastVisitAt  *time.Time `json:"last_visit_at"`
}

// FlagRef names a standing flag.
type FlagRef struct {
	Flag   string `json:"flag"`
	Name   string `json:"name"`
	Detail string `json:"detail,omitempty"`
}

// HouseholdPage is one page of households.
type HouseholdPage struct {
	Items      []HouseholdRow `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

var flagPattern = regexp.MustCompile(`^[a-z_]{1,32}$`)

// householdQuery is the filtered, scoped query behind the list and its
// export, without paging.
func (s *Service) householdQuery(ctx context.Context, scope model.Scope, f HouseholdFilter) (*gorm.DB, error) {
	scope, err := Narrow(scope, f.Region)
	if err != nil {
		return nil, err
	}
	q := scope.Households(s.db.WithContext(ctx).Table("households h"), "h.id", "h.region_code")
	switch {
	case f.Class == "":
	case f.Class == "monitored":
		q = q.Where("h.class <> ?", model.ClassPovertyAlleviated)
	case model.HouseholdClasses[f.Class] != "":
		q = q.Where("h.class = ?", f.Class)
	default:
		return nil, apperr.BadInput("invalid_class", "户类别应为 poverty_alleviated、monitor_unstable、monitor_marginal、monitor_sudden 或 monitored")
	}
	switch f.SupportLevel {
	case "":
	case model.SupportNormal, model.SupportElevated:
		q = q.Where("h.support_level = ?", f.SupportLevel)
	default:
		return nil, apperr.BadInput("invalid_support_level", "帮扶等级应为 normal 或 elevated")
	}
	if f.Status != "" {
		if !flagPattern.MatchString(f.Status) {
			return nil, apperr.BadInput("invalid_status", "状态无效")
		}
		q = q.Where("h.status = ?", f.Status)
	}
	switch {
	case f.Flag == "":
	case f.Flag == "any":
		q = q.Where("EXISTS (SELECT 1 FROM household_flags hf WHERE hf.household_id = h.id AND hf.cleared_at IS NULL)")
	case flagPattern.MatchString(f.Flag):
		q = q.Where("EXISTS (SELECT 1 FROM household_flags hf WHERE hf.household_id = h.id AND hf.cleared_at IS NULL AND hf.flag = ?)", f.Flag)
	default:
		return nil, apperr.BadInput("invalid_flag", "风险标识无效")
	}
	switch f.Paired {
	case "":
	case "yes":
		q = q.Where(activelyPaired("h.id"))
	case "no":
		q = q.Where("NOT " + activelyPaired("h.id"))
	default:
		return nil, apperr.BadInput("invalid_paired", "paired 应为 yes 或 no")
	}
	if f.Visit != "" {
		within, args := s.visitedWithin("h.id", "h.region_code", "h.support_level", s.now())
		switch f.Visit {
		case "ok":
			q = q.Where(activelyPaired("h.id")).Where(within, args...)
		case "overdue":
			q = q.Where("h.status = ?", "active").Where(activelyPaired("h.id")).Where("NOT "+within, args...)
		default:
			return nil, apperr.BadInput("invalid_visit", "visit 应为 overdue 或 ok")
		}
	}
	if kw := strings.TrimSpace(f.Q); kw != "" {
		if utf8.RuneCountInString(kw) > 32 {
			return nil, apperr.BadInput("invalid_q", "搜索词最多 32 个字")
		}
		esc := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(kw)
		q = q.Where("(h.household_no LIKE ? ESCAPE '!' OR h.head_name LIKE ? ESCAPE '!')", esc+"%", "%"+esc+"%")
	}
	return q, nil
}

// Households lists households in the scope by id, masked. A list names
// heads of households but opens nothing personal; opening one is audited
// (Household).
func (s *Service) Households(ctx context.Context, scope model.Scope, f HouseholdFilter) (HouseholdPage, error) {
	after, limit, err := f.after(50)
	if err != nil {
		return HouseholdPage{}, err
	}
	q, err := s.householdQuery(ctx, scope, f)
	if err != nil {
		return HouseholdPage{}, err
	}
	if after > 0 {
		q = q.Where("h.id > ?", after)
	}
	var hs []model.Household
	if err := q.Select("h.*").Order("h.id").Limit(limit + 1).Find(&hs).Error; err != nil {
		return HouseholdPage{}, err
	}
	page := HouseholdPage{Items: []HouseholdRow{}}
	if len(hs) > limit {
		hs = hs[:limit]
		page.NextCursor = strconv.FormatInt(hs[len(hs)-1].ID, 10)
	}
	if page.Items, err = s.householdRows(ctx, hs); err != nil {
		return HouseholdPage{}, err
	}
	return page, nil
}

// householdRows fills in names, flags, cadres and last visits for a page
// with one query each.
func (s *Service) householdRows(ctx context.Context, hs []model.Household) ([]HouseholdRow, error) {
	out := make([]HouseholdRow, 0, len(hs))
	if len(hs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(hs))
	codes := make([]string, 0, 2*len(hs))
	for i, h := range hs {
		ids[i] = h.ID
		codes = append(codes, h.RegionCode, townOf(h.RegionCode))
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var flags []model.HouseholdFlag
	if err := db.Where("household_id IN ? AND cleared_at IS NULL", ids).Order("id").Find(&flags).Error; err != nil {
		return nil, err
	}
	var cadres []struct {
		HouseholdID int64
		Name        string
	}
	if err := db.Raw("SELECT p.household_id AS household_id, c.name AS name FROM pairings p JOIN cadres c ON c.id = p.cadre_id "+
		"WHERE p.household_id IN ? AND p.ended_on IS NULL ORDER BY p.id", ids).Scan(&cadres).Error; err != nil {
		return nil, err
	}
	var visits []struct {
		HouseholdID int64
		LastAt      dbTime
	}
	if err := db.Raw("SELECT household_id, MAX(visited_at) AS last_at FROM visits WHERE household_id IN ? AND is_current = ? "+
		"GROUP BY household_id", ids, true).Scan(&visits).Error; err != nil {
		return nil, err
	}
	byFlag := map[int64][]FlagRef{}
	for _, f := range flags {
		byFlag[f.HouseholdID] = append(byFlag[f.HouseholdID], flagRef(f))
	}
	byCadre := map[int64][]string{}
	for _, c := range cadres {
		byCadre[c.HouseholdID] = append(byCadre[c.HouseholdID], c.Name)
	}
	lastVisit := map[int64]*time.Time{}
	for _, v := range visits {
		if !v.LastAt.IsZero() {
			t := v.LastAt.Time.In(s.o.Location) // API.md: times with +08:00
			lastVisit[v.HouseholdID] = &t
		}
	}
	for _, h := range hs {
		out = append(out, HouseholdRow{
			ID: h.ID, HouseholdNo: h.HouseholdNo, HeadName: h.HeadName, RegionCode: h.RegionCode,
			VillageName: names[h.RegionCode], TownName: names[townOf(h.RegionCode)],
			Class: h.Class, ClassName: model.HouseholdClasses[h.Class], SupportLevel: h.SupportLevel, Status: h.Status,
			Size: h.Size, LabourCount: h.LabourCount, Phone: h.Phone.Mask(),
			Flags: orEmpty(byFlag[h.ID]), Cadres: orEmpty(byCadre[h.ID]), LastVisitAt: lastVisit[h.ID],
		})
	}
	return out, nil
}

func flagRef(f model.HouseholdFlag) FlagRef {
	name := model.FlagNames[f.Flag]
	if name == "" {
		name = f.Flag
	}
	return FlagRef{Flag: f.Flag, Name: name, Detail: f.Detail}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
