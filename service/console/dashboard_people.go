package console

import (
	"context"
	"sort"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// VisitStats is visit coverage: the share of households with a cadre paired
// to them whose latest visit is within their period.
type VisitStats struct {
	PeriodDays map[string]int    `json:"period_days"` // default and elevated, for the scope's region
	Paired     Number            `json:"paired"`
	Covered    Number            `json:"covered"`
	Uncovered  Number            `json:"uncovered"`
	Share      float64           `json:"share"` // covered / paired, 0 when none are paired
	ByVillage  []VillageCoverage `json:"by_village"`
	// DeniedThisMonth counts this month's visits that the household said
	// never happened: the first place to look for made-up visits.
	DeniedThisMonth Number `json:"denied_this_month"`
}

// VillageCoverage is one village's coverage.
type VillageCoverage struct {
	RegionCode string  `json:"region_code"`
	RegionName string  `json:"region_name"`
	TownName   string  `json:"town_name"`
	Paired     Number  `json:"paired"`
	Covered    Number  `json:"covered"`
	Uncovered  Number  `json:"uncovered"`
	Share      float64 `json:"share"`
}

func (s *Service) visitStats(ctx context.Context, scope model.Scope, now time.Time, d *Dashboard) error {
	where, args := regionCond("h.region_code", scope)
	within, wArgs := s.visitedWithin("h.id", "h.region_code", "h.support_level", now)
	var rows []struct {
		RegionCode string
		Paired     int64
		Covered    int64
	}
	q := "SELECT h.region_code AS region_code, COUNT(*) AS paired, SUM(CASE WHEN " + within + " THEN 1 ELSE 0 END) AS covered " +
		"FROM households h WHERE h.status = ? AND " + activelyPaired("h.id") + " AND " + where + " GROUP BY h.region_code"
	qargs := append(append(wArgs, "active"), args...)
	if err := s.db.WithContext(ctx).Raw(q, qargs...).Scan(&rows).Error; err != nil {
		return err
	}
	codes := make([]string, 0, 2*len(rows))
	for _, r := range rows {
		codes = append(codes, r.RegionCode, townOf(r.RegionCode))
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return err
	}
	prefix := prefixOf(scope)
	st := VisitStats{PeriodDays: s.periodsFor(prefix), ByVillage: []VillageCoverage{}}
	for _, r := range rows {
		st.Paired.Count += r.Paired
		st.Covered.Count += r.Covered
		st.ByVillage = append(st.ByVillage, VillageCoverage{
			RegionCode: r.RegionCode, RegionName: names[r.RegionCode], TownName: names[townOf(r.RegionCode)],
			Paired:    Number{Count: r.Paired, Link: link("households", "region", r.RegionCode, "paired", "yes")},
			Covered:   Number{Count: r.Covered, Link: link("households", "region", r.RegionCode, "visit", "ok")},
			Uncovered: Number{Count: r.Paired - r.Covered, Link: link("households", "region", r.RegionCode, "visit", "overdue")},
			Share:     share(r.Covered, r.Paired),
		})
	}
	sort.SliceStable(st.ByVillage, func(i, j int) bool { return st.ByVillage[i].RegionCode < st.ByVillage[j].RegionCode })
	st.Uncovered.Count = st.Paired.Count - st.Covered.Count
	st.Share = share(st.Covered.Count, st.Paired.Count)
	st.Paired.Link = link("households", "region", prefix, "paired", "yes")
	st.Covered.Link = link("households", "region", prefix, "visit", "ok")
	st.Uncovered.Link = link("households", "region", prefix, "visit", "overdue")
	if st.DeniedThisMonth, err = s.deniedThisMonth(ctx, scope, now); err != nil {
		return err
	}
	d.Visits = st
	return nil
}

func share(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(int64(float64(part)/float64(whole)*10000+0.5)) / 10000
}

// FlagStats are the households with a standing risk flag and the 重点村.
type FlagStats struct {
	Households       Number            `json:"households"` // distinct households with any flag
	ByFlag           []FlagNumber      `json:"by_flag"`
	PriorityVillages []PriorityVillage `json:"priority_villages"`
	PriorityCount    Number            `json:"priority_village_count"`
}

// FlagNumber counts households with one flag.
type FlagNumber struct {
	Flag string `json:"flag"`
	Name string `json:"name"`
	Number
}

// PriorityVillage is a village flagged 重点村.
type PriorityVillage struct {
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	TownName   string `json:"town_name"`
	Year       int    `json:"year"`
	Detail     string `json:"detail"`
	Link       string `json:"link"`
}

func (s *Service) flagStats(ctx context.Context, scope model.Scope, _ time.Time, d *Dashboard) error {
	where, args := regionCond("h.region_code", scope)
	prefix := prefixOf(scope)
	var byFlag []struct {
		Flag string
		N    int64
	}
	q := "SELECT f.flag AS flag, COUNT(DISTINCT f.household_id) AS n FROM household_flags f JOIN households h ON h.id = f.household_id " +
		"WHERE f.cleared_at IS NULL AND " + where + " GROUP BY f.flag"
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&byFlag).Error; err != nil {
		return err
	}
	total, err := s.count(ctx, "SELECT COUNT(DISTINCT f.household_id) FROM household_flags f JOIN households h ON h.id = f.household_id "+
		"WHERE f.cleared_at IS NULL AND "+where, args...)
	if err != nil {
		return err
	}
	st := FlagStats{Households: Number{Count: total, Link: link("households", "region", prefix, "flag", "any")}, ByFlag: []FlagNumber{}}
	for _, f := range byFlag {
		name := model.FlagNames[f.Flag]
		if name == "" {
			name = f.Flag
		}
		st.ByFlag = append(st.ByFlag, FlagNumber{Flag: f.Flag, Name: name,
			Number: Number{Count: f.N, Link: link("households", "region", prefix, "flag", f.Flag)}})
	}
	sort.SliceStable(st.ByFlag, func(i, j int) bool {
		return st.ByFlag[i].Count > st.ByFlag[j].Count || (st.ByFlag[i].Count == st.ByFlag[j].Count && st.ByFlag[i].Flag < st.ByFlag[j].Flag)
	})

	vwhere, vargs := regionCond("vf.region_code", scope)
	var villages []struct {
		RegionCode string
		Year       int
		Detail     string
	}
	q = "SELECT vf.region_code AS region_code, vf.year AS year, vf.detail AS detail FROM village_flags vf " +
		"WHERE vf.cleared_at IS NULL AND vf.flag = ? AND " + vwhere + " ORDER BY vf.region_code"
	if err := s.db.WithContext(ctx).Raw(q, append([]any{model.FlagPriorityVillage}, vargs...)...).Scan(&villages).Error; err != nil {
		return err
	}
	codes := make([]string, 0, 2*len(villages))
	for _, v := range villages {
		codes = append(codes, v.RegionCode, townOf(v.RegionCode))
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return err
	}
	st.PriorityVillages = []PriorityVillage{}
	for _, v := range villages {
		st.PriorityVillages = append(st.PriorityVillages, PriorityVillage{RegionCode: v.RegionCode, RegionName: names[v.RegionCode],
			TownName: names[townOf(v.RegionCode)], Year: v.Year, Detail: v.Detail, Link: link("households", "region", v.RegionCode)})
	}
	st.PriorityCount = Number{Count: int64(len(villages)), Link: link("flags/villages", "region", prefix)}
	d.Flags = st
	return nil
}
