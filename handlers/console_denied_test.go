package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
)

// TestDashboardDeniedVisitsThisMonth: the dashboard counts this month's
// denied visits in the official's scope, and its link opens the visits
// list that shows exactly those.
func TestDashboardDeniedVisitsThisMonth(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		loc := h.cfg.Location()
		now := time.Now().In(loc)
		monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
		nextMonth := monthStart.AddDate(0, 1, 0)
		seq := 0
		visit := func(hh model.Household, c model.Cadre, at time.Time, confirmation string, current bool) {
			seq++
			v := model.Visit{ClientID: fmt.Sprintf("denied-%d", seq), CadreID: c.ID, HouseholdID: hh.ID, Revision: 1, IsCurrent: current,
				VisitedAt: at.UTC(), ReceivedAt: at.UTC(), Findings: "{}", PhotoIDs: "[]", Confirmation: confirmation, LocationFlag: model.LocationOK}
			must(t, db.Create(&v).Error)
		}
		// Early this month (never in the future, even in its first minutes).
		early := monthStart.Add(min(time.Hour, now.Sub(monthStart)/2))
		visit(cc.hA1, cc.cadreA, early, model.ConfirmDenied, true)                        // counted for town A
		visit(cc.hA2, cc.cadreA, early, model.ConfirmDenied, false)                       // an old revision: not counted
		visit(cc.hA2, cc.cadreA, early, model.ConfirmConfirmed, true)                     // confirmed: not counted
		visit(cc.hA1, cc.cadreA, monthStart.Add(-time.Minute), model.ConfirmDenied, true) // last month: not counted
		// The fixture's denied visit of hB1 was ten days ago: this month or not.
		townB := int64(0)
		if !now.AddDate(0, 0, -10).Before(monthStart) {
			townB = 1
		}

		for _, tc := range []struct {
			name   string
			admin  model.AdminUser
			prefix string
			want   int64
		}{
			{"county", cc.county, "419901", 1 + townB},
			{"town A", cc.townA, "419901100", 1},
			{"town B", cc.townB, "419901101", townB},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tok := h.signInAdmin(tc.admin)
				d := decode[console.Dashboard](t, h.do("GET", "/admin/api/dashboard", nil, tok))
				n := d.Visits.DeniedThisMonth
				wantLink := fmt.Sprintf("#/visits?confirmation=denied&region=%s&since=%s&until=%s", tc.prefix,
					monthStart.Format("2006-01-02"), nextMonth.Format("2006-01-02"))
				if n.Count != tc.want || n.Link != wantLink {
					t.Fatalf("denied this month %+v, want %d and %s", n, tc.want, wantLink)
				}
				got := countAll(t, h, "/admin/api/visits?"+strings.TrimPrefix(n.Link, "#/visits?"), tok)
				if int64(got) != n.Count {
					t.Fatalf("the list behind %q has %d visits, the dashboard says %d", n.Link, got, n.Count)
				}
			})
		}
	})
}
