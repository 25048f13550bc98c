package visits

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sort"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/risk"
)

// Due filters of the due list.
const (
	DueOverdue = "overdue" // the next visit's date has passed
	DueSoon    = "soon"    // due within the policy's visit_due_soon_days, not yet overdue
	DueAll     = "all"
)

// Due statuses of one household.
const (
	StatusOverdue = "overdue"
	StatusSoon    = "soon"
	StatusOK      = "ok"
)

// DueItem is one paired household in a due list.
type DueItem struct {
	CadreID      int64           `json:"-"` // whose list (DueAll spans cadres)
	HouseholdID  int64           `json:"household_id"`
	HouseholdNo  string          `json:"household_no"`
	HeadName     string          `json:"head_name"`
	Phone        string          `json:"phone"` // masked
	RegionCode   string          `json:"region_code"`
	VillageName  string          `json:"village_name,omitempty"`
	Address      string          `json:"address"`
	Latitude     *float64        `json:"latitude"`
	Longitude    *float64        `json:"longitude"`
	Class        string          `json:"class"`
	ClassName    string          `json:"class_name"`
	SupportLevel string          `json:"support_level"`
	Role         string          `json:"role"` // my pairing: responsible | work_team | leader
	PeriodDays   int             `json:"period_days"`
	LastVisitAt  *time.Time      `json:"last_visit_at"` // by anyone; visits the household denied do not count
	NextDue      model.Date      `json:"next_due"`
	DueStatus    string          `json:"due_status"`   // overdue | soon | ok
	DaysOverdue  int             `json:"days_overdue"` // > 0 when overdue
	Flags        []risk.FlagView `json:"flags"`
	OpenReports  int             `json:"open_reports"`
}

var errDueFilter = apperr.BadInput("invalid_due", "due 只能是 overdue、soon 或 all")

// dueRow is one active pairing with what the due date needs.
type dueRow struct {
	CadreID      int64
	Role         string
	StartedOn    model.Date
	ID           int64
	HouseholdNo  string
	HeadName     string
	PhoneMasked  *string
	RegionCode   string
	Address      string
	Latitude     *float64
	Longitude    *float64
	Class        string
	SupportLevel string
	LastVisitAt  anyTime
}

// dueRows reads active pairings of active households with each
// household's last visit, in one statement; where narrows it to a cadre or
// a region. Rows are scanned by hand and sorted here: a county's digest
// reads a hundred thousand of them, where reflection and a server-side sort
// of wide rows cost more than the query itself.
func (s *Service) dueRows(ctx context.Context, where string, args ...any) ([]dueRow, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT p.cadre_id, p.role, p.started_on, h.id, h.household_no, h.head_name, h.phone_masked,
			h.region_code, h.address, h.latitude, h.longitude, h.class, h.support_level,
			(SELECT MAX(v.visited_at) FROM visits v WHERE v.household_id = h.id AND v.is_current = ? AND v.confirmation <> ?) AS last_visit_at
		FROM pairings p JOIN households h ON h.id = p.household_id
		WHERE p.ended_on IS NULL AND h.status = ? AND `+where,
		append([]any{true, model.ConfirmDenied, "active"}, args...)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dueRow
	for rows.Next() {
		var r dueRow
		if err := rows.Scan(&r.CadreID, &r.Role, &r.StartedOn, &r.ID, &r.HouseholdNo, &r.HeadName, &r.PhoneMasked, &r.RegionCode,
			&r.Address, &r.Latitude, &r.Longitude, &r.Class, &r.SupportLevel, &r.LastVisitAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CadreID != out[j].CadreID {
			return out[i].CadreID < out[j].CadreID
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// rolePriority orders roles when one cadre holds two with a household.
var rolePriority = map[string]int{model.RoleResponsible: 0, model.RoleWorkTeam: 1, model.RoleLeader: 2}

// dedupe keeps one row when a cadre is paired with a household twice (say,
// responsible and work team); rows come ordered by cadre and household.
func dedupe(rows []dueRow) []dueRow {
	out := rows[:0]
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].CadreID == r.CadreID && out[n-1].ID == r.ID {
			if rolePriority[r.Role] < rolePriority[out[n-1].Role] {
				out[n-1].Role, out[n-1].StartedOn = r.Role, r.StartedOn
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// items turns rows into due items judged on today, keeping those the
// filter wants.
func (s *Service) items(rows []dueRow, today model.Date, which string) []DueItem {
	rows = dedupe(rows)
	out := make([]DueItem, 0, len(rows))
	periods := map[[2]string]int{}
	for _, r := range rows {
		class := "default"
		if r.SupportLevel == model.SupportElevated {
			class = "elevated"
		}
		key := [2]string{r.RegionCode, class}
		period, ok := periods[key]
		if !ok {
			period = s.policy.VisitPeriodDays(r.RegionCode, class)
			periods[key] = period
		}
		it := DueItem{CadreID: r.CadreID, HouseholdID: r.ID, HouseholdNo: r.HouseholdNo, HeadName: r.HeadName,
			RegionCode: r.RegionCode, Address: r.Address, Latitude: r.Latitude, Longitude: r.Longitude, Class: r.Class,
			ClassName: model.HouseholdClasses[r.Class], SupportLevel: r.SupportLevel, Role: r.Role, PeriodDays: period}
		if r.PhoneMasked != nil {
			it.Phone = *r.PhoneMasked
		}
		base := r.StartedOn // never visited: the first visit is due one period after pairing
		if t := r.LastVisitAt.t; t != nil {
			local := t.In(s.loc)
			it.LastVisitAt = &local
			base = model.DateOf(local)
		}
		it.NextDue = base.AddDays(period)
		days := today.DaysUntil(it.NextDue)
		switch {
		case days < 0:
			it.DueStatus, it.DaysOverdue = StatusOverdue, -days
		case days <= s.policy.VisitDueSoon:
			it.DueStatus = StatusSoon
		default:
			it.DueStatus = StatusOK
		}
		if which == DueAll || (which == DueOverdue && it.DueStatus == StatusOverdue) || (which == DueSoon && it.DueStatus == StatusSoon) {
			out = append(out, it)
		}
	}
	return out
}

func checkDue(which string) (string, error) {
	switch which {
	case "":
		return DueAll, nil
	case DueOverdue, DueSoon, DueAll:
		return which, nil
	}
	return "", errDueFilter
}

// DueForCadre is the cadre's paired households, most urgent first: the
// most overdue at the top, then by due date; among equals, households with
// more flags and open reports first. Each item carries its standing flags
// and open report count.
func (s *Service) DueForCadre(ctx context.Context, cadreID int64, which string) ([]DueItem, error) {
	which, err := checkDue(which)
	if err != nil {
		return nil, err
	}
	rows, err := s.dueRows(ctx, "p.cadre_id = ?", cadreID)
	if err != nil {
		return nil, err
	}
	items := s.items(rows, s.today(), which)
	if len(items) == 0 {
		return items, nil
	}
	ids := make([]int64, len(items))
	codes := make([]string, len(items))
	for i, it := range items {
		ids[i], codes[i] = it.HouseholdID, it.RegionCode
	}
	flags, err := risk.ActiveFlags(ctx, s.db, s.loc, ids)
	if err != nil {
		return nil, err
	}
	reports, err := s.openReports(ctx, ids)
	if err != nil {
		return nil, err
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return nil, err
	}
	for i := range items {
		id := items[i].HouseholdID
		items[i].Flags = flags[id]
		if items[i].Flags == nil {
			items[i].Flags = []risk.FlagView{}
		}
		items[i].OpenReports = reports[id]
		items[i].VillageName = names[items[i].RegionCode]
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.NextDue != b.NextDue {
			return a.NextDue.Before(b.NextDue)
		}
		if len(a.Flags) != len(b.Flags) {
			return len(a.Flags) > len(b.Flags)
		}
		if a.OpenReports != b.OpenReports {
			return a.OpenReports > b.OpenReports
		}
		return a.HouseholdID < b.HouseholdID
	})
	return items, nil
}

// DueAll is every cadre's due list under a region prefix ("" is
// everything) in one statement, ordered by cadre and household, without
// flags or reports: what a scheduler needs for a morning digest ("您有 3 户
// 走访已逾期"). Pairings are judged where the household lives.
func (s *Service) DueAll(ctx context.Context, regionPrefix, which string) ([]DueItem, error) {
	which, err := checkDue(which)
	if err != nil {
		return nil, err
	}
	if !validPrefix(regionPrefix) {
		return nil, apperr.BadInput("invalid_region", "地区代码应为 12 位以内的数字前缀")
	}
	// The prefix is digits only (checked above) and written in, so MySQL
	// can plan the LIKE as an index range.
	rows, err := s.dueRows(ctx, "h.region_code LIKE '"+regionPrefix+"%'")
	if err != nil {
		return nil, err
	}
	return s.items(rows, s.today(), which), nil
}

// validPrefix reports whether p is a region code prefix: up to 12 digits.
func validPrefix(p string) bool {
	if len(p) > 12 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Service) openReports(ctx context.Context, ids []int64) (map[int64]int, error) {
	var rows []struct {
		HouseholdID int64
		N           int
	}
	err := s.db.WithContext(ctx).Model(&model.Report{}).Select("household_id, COUNT(*) AS n").
		Where("household_id IN ? AND status IN ?", ids, []string{model.ReportOpen, model.ReportAcknowledged}).
		Group("household_id").Scan(&rows).Error
	out := map[int64]int{}
	for _, r := range rows {
		out[r.HouseholdID] = r.N
	}
	return out, err
}

func (s *Service) regionNames(ctx context.Context, codes []string) (map[string]string, error) {
	var rs []model.Region
	err := s.db.WithContext(ctx).Select("code", "name").Where("code IN ?", codes).Find(&rs).Error
	out := map[string]string{}
	for _, r := range rs {
		out[r.Code] = r.Name
	}
	return out, err
}

// anyTime scans a time that MySQL returns as time.Time and SQLite, for an
// aggregate like MAX(), returns as text.
type anyTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (a *anyTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		a.t = nil
	case time.Time:
		a.t = &x
	case []byte:
		return a.parse(string(x))
	case string:
		return a.parse(x)
	default:
		return fmt.Errorf("visits: cannot scan %T as a time", v)
	}
	return nil
}

// Value implements driver.Valuer (gorm wants both when scanning into it).
func (a anyTime) Value() (driver.Value, error) {
	if a.t == nil {
		return nil, nil
	}
	return *a.t, nil
}

var timeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05"}

func (a *anyTime) parse(s string) error {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			a.t = &t
			return nil
		}
	}
	return fmt.Errorf("visits: %q is not a time", s)
}
