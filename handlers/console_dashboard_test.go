package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
)

func TestConsoleDashboard(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		addPaidLate(t, h, &cc)

		// What each payment counts as this year, by month and status, as the
		// dashboard must compute it.
		type key struct {
			month  int
			status string
		}
		wantMonths := map[key]int64{}
		for _, p := range cc.payments {
			if p.DueDate.Year == cc.today.Year {
				wantMonths[key{int(p.DueDate.Month), p.StatusOn(cc.today, h.cfg.PaymentGraceDays)}]++
			}
		}

		tests := []struct {
			name       string
			admin      model.AdminUser
			region     string
			overdue    int64
			paidLate   int64
			villages   []string
			paired     int64
			covered    int64
			flagged    int64
			flags      map[string]int64
			priority   int64
			open, late int64
			interests  int64
			zero       int64
			dead, sent int64
			months     bool
		}{
			{name: "county", admin: cc.county, overdue: 2, paidLate: 1, villages: []string{ctVillageA, ctVillageB}, paired: 3, covered: 1, flagged: 2,
				flags: map[string]int64{model.FlagUnderLine: 1, model.FlagJobLost: 1}, priority: 1, open: 1, late: 1, zero: 1, dead: 2, sent: 1, months: true},
			{name: "town A", admin: cc.townA, overdue: 1, villages: []string{ctVillageA}, paired: 2, covered: 1, flagged: 1,
				flags: map[string]int64{model.FlagUnderLine: 1}, priority: 1, open: 1, late: 0, zero: 1, dead: 1, sent: 1},
			{name: "town B", admin: cc.townB, overdue: 1, paidLate: 1, villages: []string{ctVillageB}, paired: 1, covered: 0, flagged: 1,
				flags: map[string]int64{model.FlagJobLost: 1}, priority: 0, open: 0, late: 1, zero: 0, dead: 1, sent: 0},
			{name: "county narrowed to town B", admin: cc.county, region: ctTownB, overdue: 1, paidLate: 1, villages: []string{ctVillageB}, paired: 1,
				flagged: 1, flags: map[string]int64{model.FlagJobLost: 1}, late: 1, dead: 1},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				path := "/admin/api/dashboard"
				if tc.region != "" {
					path += "?region=" + tc.region
				}
				w := h.do("GET", path, nil, h.signInAdmin(tc.admin))
				if w.Code != http.StatusOK {
					t.Fatalf("%d %s", w.Code, w.Body)
				}
				d := decode[console.Dashboard](t, w)
				if d.Payments.Overdue.Count != tc.overdue || !strings.HasPrefix(d.Payments.Overdue.Link, "#/overdue") {
					t.Errorf("overdue %+v, want %d", d.Payments.Overdue, tc.overdue)
				}
				region := strings.TrimPrefix(d.Payments.Overdue.Link, "#/overdue?region=") // the scope's prefix, as every link has it
				wantLink := fmt.Sprintf("#/payments?due_from=%d-01-01&due_to=%d-12-31&late=true&region=%s", cc.today.Year, cc.today.Year, region)
				if l := d.Payments.Late; l.Count != tc.paidLate || l.Link != wantLink || (tc.paidLate == 1 && l.AmountFen != 12000) {
					t.Errorf("late %+v, want %d and %s", l, tc.paidLate, wantLink)
				}
				var villages []string
				for _, v := range d.Payments.OverdueByVillage {
					villages = append(villages, v.RegionCode)
					if v.Link != "#/overdue?region="+v.RegionCode || v.RegionName == "" || v.TownName == "" {
						t.Errorf("overdue village %+v", v)
					}
				}
				if strings.Join(villages, ",") != strings.Join(tc.villages, ",") {
					t.Errorf("overdue villages %v, want %v", villages, tc.villages)
				}
				if tc.months {
					if len(d.Payments.Months) != 12 {
						t.Fatalf("%d months", len(d.Payments.Months))
					}
					for i, m := range d.Payments.Months {
						for status, n := range m.ByStatus {
							if want := wantMonths[key{i + 1, status}]; n.Count != want {
								t.Errorf("%s %s: %d, want %d", m.Month, status, n.Count, want)
							}
							if n.Link == "" {
								t.Errorf("%s %s has no link", m.Month, status)
							}
						}
					}
				}
				v := d.Visits
				if v.Paired.Count != tc.paired || v.Covered.Count != tc.covered || v.Uncovered.Count != tc.paired-tc.covered {
					t.Errorf("visits %+v", v)
				}
				if v.PeriodDays["default"] != 30 || v.PeriodDays["elevated"] != 15 {
					t.Errorf("periods %v", v.PeriodDays)
				}
				if d.Flags.Households.Count != tc.flagged || len(d.Flags.ByFlag) != len(tc.flags) {
					t.Errorf("flags %+v", d.Flags)
				}
				for _, f := range d.Flags.ByFlag {
					if f.Count != tc.flags[f.Flag] || f.Name != model.FlagNames[f.Flag] || !strings.Contains(f.Link, "flag="+f.Flag) {
						t.Errorf("flag %+v", f)
					}
				}
				if int64(len(d.Flags.PriorityVillages)) != tc.priority || d.Flags.PriorityCount.Count != tc.priority {
					t.Errorf("priority villages %+v", d.Flags.PriorityVillages)
				}
				var open int64
				for _, s := range d.Reports.ByStatus {
					if s.Status == model.ReportOpen {
						open = s.Count
					}
				}
				if open != tc.open || d.Reports.Late.Count != tc.late {
					t.Errorf("reports open %d late %d: %+v", open, d.Reports.Late.Count, d.Reports)
				}
				var unfinished, aged int64
				for _, s := range d.Reports.ByStatus {
					if s.Status == model.ReportOpen || s.Status == model.ReportAcknowledged {
						unfinished += s.Count
					}
				}
				for _, a := range d.Reports.OpenAge {
					aged += a.Count
				}
				if aged != unfinished {
					t.Errorf("age buckets hold %d unfinished cases, want %d", aged, unfinished)
				}
				if d.Jobs.Open.Count != 2 || d.Jobs.Vacancies != 8 || d.Jobs.ZeroEmployment.Count != tc.zero {
					t.Errorf("jobs %+v", d.Jobs)
				}
				states := map[string]int64{}
				for _, s := range d.Pushes.ByState {
					states[s.Status] = s.Count
				}
				if states[model.OutboxDead] != tc.dead || states[model.OutboxSent] != tc.sent {
					t.Errorf("pushes %v", states)
				}
			})
		}

		t.Run("a region outside the scope is refused", func(t *testing.T) {
			wantError(t, h.do("GET", "/admin/api/dashboard?region="+ctTownB, nil, h.signInAdmin(cc.townA)), 403, "region_out_of_scope")
		})
		t.Run("a bad region is refused", func(t *testing.T) {
			wantError(t, h.do("GET", "/admin/api/dashboard?region=41x9", nil, h.signInAdmin(cc.county)), 400, "invalid_region")
		})
		t.Run("a wider region means the whole scope", func(t *testing.T) {
			w := h.do("GET", "/admin/api/dashboard?region=41", nil, h.signInAdmin(cc.townA))
			if d := decode[console.Dashboard](t, w); w.Code != 200 || d.Region.Prefix != "419901100" || d.Region.Name != "甲镇" {
				t.Fatalf("%d %+v", w.Code, d.Region)
			}
		})
		t.Run("households and cadres cannot open it", func(t *testing.T) {
			wantError(t, h.do("GET", "/admin/api/dashboard", nil, h.signInUser(cc.userA1)), 403, "forbidden")
			wantError(t, h.do("GET", "/admin/api/dashboard", nil, ""), 401, "unauthenticated")
		})
	})
}

// TestDashboardNumbersMatchTheirLists follows the visit and flag links to
// the household list and counts what it lists.
func TestDashboardNumbersMatchTheirLists(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		cc := newConsoleCounty(t, h)
		addPaidLate(t, h, &cc)
		tok := h.signInAdmin(cc.county)
		d := decode[console.Dashboard](t, h.do("GET", "/admin/api/dashboard", nil, tok))
		// 今年迟发 links to the payment list's late=true, which shows as many.
		if l := d.Payments.Late; l.Count != 1 || countAll(t, h, "/admin/api/payments?"+strings.TrimPrefix(l.Link, "#/payments?"), tok) != 1 {
			t.Errorf("今年迟发 %+v does not match its list", l)
		}
		figures := map[string]console.Number{
			"uncovered": d.Visits.Uncovered, "covered": d.Visits.Covered, "paired": d.Visits.Paired, "flagged": d.Flags.Households,
		}
		for _, f := range d.Flags.ByFlag {
			figures["flag "+f.Flag] = f.Number
		}
		for name, n := range figures {
			t.Run(name, func(t *testing.T) {
				if !strings.HasPrefix(n.Link, "#/households?") {
					t.Fatalf("link %q", n.Link)
				}
				got := countAll(t, h, "/admin/api/households?"+strings.TrimPrefix(n.Link, "#/households?"), tok)
				if int64(got) != n.Count {
					t.Fatalf("the list behind %q has %d households, the dashboard says %d", n.Link, got, n.Count)
				}
			})
		}
	})
}

// addPaidLate gives town B two payments due on 1 January this year (this
// year whatever the date): one paid on the last day of grace (on time) and
// one paid the day after (迟发).
func addPaidLate(t *testing.T, h *harness, cc *consoleCounty) {
	t.Helper()
	jan1 := model.Date{Year: cc.today.Year, Month: time.January, Day: 1}
	grace := h.cfg.PaymentGraceDays
	cc.payments = append(cc.payments,
		h.fx.Payment(cc.hB1, "tekun", 20000, jan1, modeltest.PaidOn(jan1.AddDays(grace))),
		h.fx.Payment(cc.hB1, "county_employment", 12000, jan1, modeltest.PaidOn(jan1.AddDays(grace+1))))
}

// countAll pages through a list with limit 1 and counts its items.
func countAll(t *testing.T, h *harness, path, tok string) int {
	t.Helper()
	n, cursor := 0, ""
	for i := 0; i < 1000; i++ {
		p := path + "&limit=1"
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		w := h.do("GET", p, nil, tok)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", p, w.Code, w.Body)
		}
		page := decode[struct {
			Items      []map[string]any `json:"items"`
			NextCursor string           `json:"next_cursor"`
		}](t, w)
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
	t.Fatal("the list never ended")
	return 0
}
