package handlers

import (
	"fmt"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

func date(y int, m time.Month, d int) model.Date { return model.Date{Year: y, Month: m, Day: d} }

// subsidyWorld is a village with a household whose 2026 holds a payment
// of every status (today is harnessNow, 2026-11-23; grace 5 days), a
// second bound member (the son in the city), its responsible cadre, and a
// household of another village.
type subsidyWorld struct {
	village                          string
	hh, otherHH                      model.Household
	head, son                        model.Member
	headTok, sonTok, otherTok        string
	cadre                            model.Cadre
	cadreTok                         string
	paid, overdue, failed, returned  model.Payment
	notYetDue, withinGrace, lastYear model.Payment
}

func newSubsidyWorld(t *testing.T, h *harness) *subsidyWorld {
	t.Helper()
	fx := h.fx
	fx.Catalogue()
	w := &subsidyWorld{}
	fx.Region("419901100000", "青石镇")
	w.village = fx.Region("419901100201", "测试村").Code
	w.hh, w.head = fx.Household(w.village)
	w.son = fx.Member(w.hh, "王小明", "之子", fx.IDCard(1998))
	w.headTok = h.signInUser(fx.HouseholdUser(w.head))
	w.sonTok = h.signInUser(fx.HouseholdUser(w.son))
	w.cadre = fx.Cadre(w.village)
	fx.Pair(w.cadre, w.hh, model.RoleResponsible)
	w.cadreTok = h.signInUser(fx.CadreUser(w.cadre))

	w.paid = fx.Payment(w.hh, "dibao", 50000, date(2026, 10, 10), modeltest.PaidOn(date(2026, 10, 9)))
	w.overdue = fx.Payment(w.hh, "dibao", 50000, date(2026, 11, 10))
	w.notYetDue = fx.Payment(w.hh, "dibao", 50000, date(2026, 12, 10))
	w.withinGrace = fx.Payment(w.hh, "temporary_assistance", 100000, date(2026, 11, 20))
	fx.Payment(w.hh, "farmland_protection", 32050, date(2026, 6, 30), modeltest.PaidOn(date(2026, 6, 28)))
	w.failed = fx.Payment(w.hh, "disabled_living", 8000, date(2026, 9, 15), modeltest.ToMember(w.son),
		modeltest.FailedWith(model.PaymentFailed, "账户已冻结"))
	w.returned = fx.Payment(w.hh, "public_welfare_job", 60000, date(2026, 8, 20), modeltest.ToMember(w.son),
		modeltest.FailedWith(model.PaymentReturned, "资金退回：账户状态异常"))
	w.lastYear = fx.Payment(w.hh, "farmland_protection", 31000, date(2025, 6, 30), modeltest.PaidOn(date(2025, 6, 30)))

	other := fx.Region("419901100202", "隔壁村").Code
	var om model.Member
	w.otherHH, om = fx.Household(other)
	w.otherTok = h.signInUser(fx.HouseholdUser(om))
	fx.Payment(w.otherHH, "dibao", 70000, date(2026, 10, 10), modeltest.PaidOn(date(2026, 10, 10)))
	return w
}

func TestSubsidiesYear(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)

		w1 := h.do("GET", "/api/v1/subsidies?year=2026", nil, w.headTok)
		if w1.Code != 200 {
			t.Fatalf("status %d: %s", w1.Code, w1.Body)
		}
		v := decode[subsidy.YearView](t, w1)
		if want := "今年已到账 2 笔，共 820.50 元；1 笔逾期；1 笔发放失败；1 笔被退回；2 笔待发放"; v.Summary != want {
			t.Errorf("summary %q, want %q", v.Summary, want)
		}
		if v.Counts != (subsidy.Counts{Paid: 2, Scheduled: 2, Overdue: 1, Failed: 1, Returned: 1}) || v.PaidFen != 82050 {
			t.Errorf("counts %+v paid %d", v.Counts, v.PaidFen)
		}
		if fmt.Sprint(v.Years) != "[2027 2026 2025]" || v.Year != 2026 || v.GraceDays != 5 || v.Today.String() != "2026-11-23" {
			t.Errorf("years %v year %d grace %d today %s", v.Years, v.Year, v.GraceDays, v.Today)
		}

		// Newest due first, each status as the household reads it.
		want := []struct {
			id                   int64
			status, label, extra string
		}{
			{w.notYetDue.ID, "scheduled", "待发放", ""},
			{w.withinGrace.ID, "scheduled", "待发放", ""}, // due 11-20 + 5 days grace: not late yet
			{w.overdue.ID, "overdue", "逾期未发", ""},
			{w.paid.ID, "paid", "已到账", ""},
			{w.failed.ID, "failed", "发放失败", "账户已冻结"},
			{w.returned.ID, "returned", "已退回", "资金退回：账户状态异常"},
			{0, "paid", "已到账", ""},
		}
		if len(v.Items) != len(want) {
			t.Fatalf("%d items, want %d: %+v", len(v.Items), len(want), v.Items)
		}
		for i, wnt := range want {
			got := v.Items[i]
			if (wnt.id != 0 && got.ID != wnt.id) || got.Status != wnt.status || got.StatusLabel != wnt.label || got.FailureReason != wnt.extra {
				t.Errorf("item %d: %+v, want %+v", i, got, wnt)
			}
		}
		if o := v.Items[2]; o.DaysLate != 13 || o.ItemName != "最低生活保障" || o.PeriodLabel != "2026年11月" || o.AmountFen != 50000 ||
			o.DueDate.String() != "2026-11-10" || !o.PaidDate.IsZero() || o.MemberName != "" {
			t.Errorf("overdue item: %+v", o)
		}
		if p := v.Items[3]; p.PaidDate.String() != "2026-10-09" {
			t.Errorf("paid date %s", p.PaidDate)
		}
		if f := v.Items[4]; f.MemberName != "王**" || f.Department != "残联" {
			t.Errorf("member payment: name %q department %q (the name is masked)", f.MemberName, f.Department)
		}

		// Per-item totals in catalogue order.
		wantTotals := []subsidy.ItemTotal{
			{ItemCode: "dibao", ItemName: "最低生活保障", Count: 3, PaidCount: 1, PaidFen: 50000, UnpaidFen: 100000, OverdueCount: 1},
			{ItemCode: "disabled_living", ItemName: "困难残疾人生活补贴", Count: 1, UnpaidFen: 8000, FailedCount: 1},
			{ItemCode: "public_welfare_job", ItemName: "公益性岗位补贴", Count: 1, UnpaidFen: 60000, FailedCount: 1},
			{ItemCode: "farmland_protection", ItemName: "耕地地力保护补贴", Count: 1, PaidCount: 1, PaidFen: 32050},
			{ItemCode: "temporary_assistance", ItemName: "临时救助", Count: 1, UnpaidFen: 100000},
		}
		if fmt.Sprintf("%+v", v.Totals) != fmt.Sprintf("%+v", wantTotals) {
			t.Errorf("totals\n got %+v\nwant %+v", v.Totals, wantTotals)
		}

		// The son in the city sees his parents' household: the same answer.
		w2 := h.do("GET", "/api/v1/subsidies?year=2026", nil, w.sonTok)
		if w2.Code != 200 || w2.Body.String() != w1.Body.String() {
			t.Fatalf("the son's view differs: %d %s", w2.Code, w2.Body)
		}
		// Another household sees only its own.
		ov := decode[subsidy.YearView](t, h.do("GET", "/api/v1/subsidies", nil, w.otherTok))
		if len(ov.Items) != 1 || ov.Summary != "今年已到账 1 笔，共 700.00 元" || ov.Year != 2026 {
			t.Fatalf("other household: %+v", ov)
		}
		// Another year.
		last := decode[subsidy.YearView](t, h.do("GET", "/api/v1/subsidies?year=2025", nil, w.headTok))
		if len(last.Items) != 1 || last.Items[0].ID != w.lastYear.ID || last.Summary != "2025年已到账 1 笔，共 310.00 元" {
			t.Fatalf("2025: %+v", last)
		}
		// Next year's schedule may be asked for, and is empty.
		next := decode[subsidy.YearView](t, h.do("GET", "/api/v1/subsidies?year=2027", nil, w.headTok))
		if len(next.Items) != 0 || next.Summary != "2027年没有一卡通补贴记录" || next.Totals == nil {
			t.Fatalf("2027: %+v", next)
		}
	})
}

func TestSubsidiesBadInput(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		guest := h.signInUser(h.fx.GuestUser())
		official := h.signInAdmin(h.fx.Admin("419901"))
		tests := []struct {
			name   string
			path   string
			token  string
			status int
			code   string
		}{
			{"year not a number", "/api/v1/subsidies?year=abc", w.headTok, 400, "invalid_year"},
			{"year of two digits", "/api/v1/subsidies?year=26", w.headTok, 400, "invalid_year"},
			{"year before any data could be", "/api/v1/subsidies?year=1999", w.headTok, 400, "invalid_year"},
			{"year before the household's data", "/api/v1/subsidies?year=2024", w.headTok, 400, "year_out_of_range"},
			{"year after the schedules", "/api/v1/subsidies?year=2029", w.headTok, 400, "year_out_of_range"},
			{"not signed in", "/api/v1/subsidies", "", 401, "unauthenticated"},
			{"bad token", "/api/v1/subsidies", "xb1.nonsense.x", 401, "invalid_token"},
			{"unbound user", "/api/v1/subsidies", guest, 403, "forbidden"},
			{"cadre", "/api/v1/subsidies", w.cadreTok, 403, "forbidden"},
			{"official", "/api/v1/subsidies", official, 403, "forbidden"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, h.do("GET", tc.path, nil, tc.token), tc.status, tc.code)
			})
		}
		t.Run("out of range names the years", func(t *testing.T) {
			body := decode[errorBody](t, h.do("GET", "/api/v1/subsidies?year=2024", nil, w.headTok))
			if fmt.Sprint(body.Error.Details["years"]) != "[2027 2026 2025]" || body.Error.Message != "只能查询 2025 年至 2027 年的补贴记录" {
				t.Fatalf("error: %+v", body.Error)
			}
		})
	})
}

// TestSubsidiesNoPayments: a household with nothing on file gets a plain
// sentence, not an error.
func TestSubsidiesNoPayments(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		h.fx.Catalogue()
		_, m := h.fx.Household(h.fx.Region("419901100201", "测试村").Code)
		v := decode[subsidy.YearView](t, h.do("GET", "/api/v1/subsidies", nil, h.signInUser(h.fx.HouseholdUser(m))))
		if v.Summary != "今年没有一卡通补贴记录" || len(v.Items) != 0 || v.Items == nil || fmt.Sprint(v.Years) != "[2027 2026]" {
			t.Fatalf("%+v", v)
		}
	})
}

// TestSubsidiesCacheInvalidation: the household's view is cached, and the
// function other code calls after changing payments clears it.
func TestSubsidiesCacheInvalidation(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		get := func() subsidy.YearView {
			t.Helper()
			return decode[subsidy.YearView](t, h.do("GET", "/api/v1/subsidies", nil, w.headTok))
		}
		before := get()
		if err := db.Model(&model.Payment{}).Where("id = ?", w.overdue.ID).
			Updates(map[string]any{"status": model.PaymentPaid, "paid_date": date(2026, 11, 22)}).Error; err != nil {
			t.Fatal(err)
		}
		if get().Summary != before.Summary {
			t.Fatal("the view was not cached")
		}
		if err := h.subsidies.InvalidateHousehold(t.Context(), w.hh.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := get().Summary, "今年已到账 3 笔，共 1,320.50 元；1 笔发放失败；1 笔被退回；2 笔待发放"; got != want {
			t.Fatalf("after invalidation %q, want %q", got, want)
		}
		// Tomorrow's view is computed afresh: overdue turns over at midnight.
		h.payClock.Set(harnessNow.Add(48 * time.Hour)) // 2026-11-25: due 11-20 + 5 days is today, not yet passed
		if got := get(); got.Counts.Overdue != 0 || got.Today.String() != "2026-11-25" {
			t.Fatalf("two days later: %+v", got.Counts)
		}
		h.payClock.Set(harnessNow.Add(72 * time.Hour)) // 2026-11-26: now it has
		if got := get(); got.Counts.Overdue != 1 || got.Items[1].Status != model.PaymentOverdue || got.Items[1].DaysLate != 6 {
			t.Fatalf("three days later: %+v", got.Counts)
		}
	})
}

func TestSubsidyItems(t *testing.T) {
	h := newHarness(t, modeltest.SQLite(t))
	h.fx.Catalogue()
	tok := h.signInUser(h.fx.GuestUser())
	w := h.do("GET", "/api/v1/subsidy-items", nil, tok)
	items := decode[struct{ Items []subsidy.Item }](t, w).Items
	if w.Code != 200 || len(items) != 16 || items[0].Code != "dibao" || items[0].ScheduleLabel != "按月发放" || items[0].Payee != "household" {
		t.Fatalf("%d %+v", w.Code, items)
	}
	wantError(t, h.do("GET", "/api/v1/subsidy-items", nil, ""), 401, "unauthenticated")
}
