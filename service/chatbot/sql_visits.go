package chatbot

import (
	"context"
	"sort"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// SQLVisits answers Visits straight from pairings, households and visits:
// a household's next visit is due its policy period (per region and
// class; 提级帮扶 more often) after the last visit anyone recorded, or
// after the pairing began when there is none. It is the bot's own,
// read-only stand-in until the visits service is wired in.
type SQLVisits struct {
	DB       *model.DB
	Policy   *config.Policy
	Location *time.Location // visits are stamped in UTC; their day is local
}

// Due counts and ranks the cadre's active paired households.
func (s SQLVisits) Due(ctx context.Context, cadreID int64, today model.Date, n int) (CadreDue, error) {
	var out CadreDue
	var rows []struct {
		ID           int64
		HeadName     string
		RegionCode   string
		SupportLevel string
		Village      string
		StartedOn    model.Date
	}
	q := s.DB.WithContext(ctx).Table("pairings").
		Select("households.id, households.head_name, households.region_code, households.support_level, "+
			"COALESCE(regions.name, '') AS village, pairings.started_on").
		Joins("JOIN households ON households.id = pairings.household_id").
		Joins("LEFT JOIN regions ON regions.code = households.region_code").
		Where("pairings.cadre_id = ? AND pairings.ended_on IS NULL AND households.status = ?", cadreID, "active")
	q = model.CadreScope(cadreID, "").Households(q, "households.id", "households.region_code")
	if err := q.Order("households.id, pairings.started_on").Scan(&rows).Error; err != nil {
		return out, err
	}
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	last, err := s.lastVisits(ctx, ids, today)
	if err != nil {
		return out, err
	}
	seen := map[int64]bool{}
	var all []DueHousehold
	for _, r := range rows {
		if seen[r.ID] { // paired in two roles: one household
			continue
		}
		seen[r.ID] = true
		class := "default"
		if r.SupportLevel == model.SupportElevated {
			class = "elevated"
		}
		period := s.Policy.VisitPeriodDays(r.RegionCode, class)
		h := DueHousehold{HeadName: r.HeadName, Village: r.Village, LastVisit: last[r.ID]}
		from := r.StartedOn
		if !h.LastVisit.IsZero() {
			from = h.LastVisit
		}
		h.NextDue = from.AddDays(period)
		switch d := today.DaysUntil(h.NextDue); {
		case d < 0:
			out.Overdue++
		case d == 0:
			out.DueToday++
		case d <= s.Policy.VisitDueSoon:
			out.DueSoon++
		}
		all = append(all, h)
	}
	out.Households = len(all)
	sort.SliceStable(all, func(i, j int) bool { return all[i].NextDue.Before(all[j].NextDue) })
	out.Urgent = all[:min(n, len(all))]
	return out, nil
}

// lastVisits is the local date of each household's latest current visit
// record. No visit period is longer than a year (config checks it), so
// older visits cannot be the last that counts.
func (s SQLVisits) lastVisits(ctx context.Context, ids []int64, today model.Date) (map[int64]model.Date, error) {
	var rows []struct {
		HouseholdID int64
		VisitedAt   time.Time
	}
	err := s.DB.WithContext(ctx).Table("visits").Select("household_id, visited_at").
		Where("household_id IN ? AND is_current = ? AND visited_at >= ?", ids, true,
			today.AddDays(-367).Time(s.Location).UTC()).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[int64]model.Date{}
	for _, r := range rows {
		d := model.DateOf(r.VisitedAt.In(s.Location))
		if cur, ok := out[r.HouseholdID]; !ok || cur.Before(d) {
			out[r.HouseholdID] = d
		}
	}
	return out, nil
}
