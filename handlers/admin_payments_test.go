package handlers

import (
	"fmt"
	"slices"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

func TestAdminPayments(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		county := h.signInAdmin(h.fx.Admin("419901"))
		town := h.signInAdmin(h.fx.Admin("419901100"))
		elsewhere := h.signInAdmin(h.fx.Admin("419902"))
		get := func(tok, query string) subsidy.PaymentPage {
			t.Helper()
			res := h.do("GET", "/admin/api/payments"+query, nil, tok)
			if res.Code != 200 {
				t.Fatalf("%s: %d %s", query, res.Code, res.Body)
			}
			return decode[subsidy.PaymentPage](t, res)
		}

		all := get(county, "")
		if !all.TalliedAt.Equal(harnessNow) {
			t.Errorf("tallied at %s", all.TalliedAt)
		}
		// 8 payments of the household (one in 2025) and 1 of the other village.
		if all.Total != (subsidy.Tally{Count: 9, AmountFen: 50000*3 + 100000 + 32050 + 8000 + 60000 + 31000 + 70000}) {
			t.Errorf("total %+v", all.Total)
		}
		wantStatus := map[string]subsidy.Tally{
			"paid":      {Count: 4, AmountFen: 50000 + 32050 + 31000 + 70000},
			"scheduled": {Count: 2, AmountFen: 150000},
			"overdue":   {Count: 1, AmountFen: 50000},
			"failed":    {Count: 1, AmountFen: 8000},
			"returned":  {Count: 1, AmountFen: 60000},
		}
		if fmt.Sprint(all.ByStatus) != fmt.Sprint(wantStatus) {
			t.Errorf("by status %v, want %v", all.ByStatus, wantStatus)
		}
		if all.ByItem[0].ItemCode != "dibao" || all.ByItem[0].Count != 4 || all.ByItem[0].ItemName != "最低生活保障" {
			t.Errorf("by item %+v", all.ByItem)
		}
		if first := all.Items[0]; first.ID != w.notYetDue.ID || first.HouseholdNo != w.hh.HouseholdNo || first.HeadName != w.hh.HeadName ||
			first.RegionCode != w.village {
			t.Errorf("first (newest due): %+v", first)
		}
		for _, it := range all.Items {
			if it.ID == w.failed.ID && it.MemberName != "王小明" {
				t.Errorf("officials see the member's name in full, got %q", it.MemberName)
			}
		}

		filters := []struct {
			query string
			want  []int64
		}{
			{"?status=overdue", []int64{w.overdue.ID}},
			{"?status=scheduled", []int64{w.notYetDue.ID, w.withinGrace.ID}},
			{"?status=failed", []int64{w.failed.ID}},
			{"?status=returned", []int64{w.returned.ID}},
			{"?item=dibao&region=419901100201", []int64{w.notYetDue.ID, w.overdue.ID, w.paid.ID}},
			{"?period=2026-10&region=419901100201", []int64{w.paid.ID}},
			{"?due_from=2026-09-01&due_to=2026-10-10&household_id=" + fmt.Sprint(w.hh.ID), []int64{w.paid.ID, w.failed.ID}},
			{"?region=419901100202&status=overdue", []int64{}},
		}
		for _, f := range filters {
			t.Run(f.query, func(t *testing.T) {
				got := []int64{}
				page := get(county, f.query)
				for _, it := range page.Items {
					got = append(got, it.ID)
				}
				if !slices.Equal(got, f.want) || page.Total.Count != int64(len(f.want)) {
					t.Fatalf("got %v (total %d), want %v", got, page.Total.Count, f.want)
				}
			})
		}

		// Paging walks everything once, newest due first.
		var paged []int64
		cursor := ""
		for pages := 0; pages < 10; pages++ {
			page := get(county, "?limit=4&cursor="+cursor)
			if page.Total.Count != 9 {
				t.Fatalf("totals change with the page: %+v", page.Total)
			}
			for _, it := range page.Items {
				paged = append(paged, it.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		var want []int64
		for _, it := range get(county, "?limit=200").Items {
			want = append(want, it.ID)
		}
		if len(paged) != 9 || !slices.Equal(paged, want) {
			t.Fatalf("paged %v, want %v", paged, want)
		}

		// A town official asking wider sees their town; another county sees nothing of ours.
		if p := get(town, "?region=4199"); p.Total.Count != 9 {
			t.Errorf("town: %d", p.Total.Count)
		}
		if p := get(elsewhere, ""); p.Total.Count != 0 || len(p.Items) != 0 {
			t.Errorf("another county sees %d", p.Total.Count)
		}

		bad := []struct {
			name, query, token string
			status             int
			code               string
		}{
			{"region outside my scope", "?region=419901", elsewhere, 403, "region_out_of_scope"},
			{"region not digits", "?region=41a", county, 400, "invalid_region"},
			{"unknown status", "?status=lost", county, 400, "invalid_status"},
			{"unknown item", "?item=gold", county, 400, "invalid_item"},
			{"bad date", "?due_from=2026-13-01", county, 400, "invalid_date"},
			{"bad cursor", "?cursor=!!", county, 400, "invalid_cursor"},
			{"bad limit", "?limit=-1", county, 400, "invalid_limit"},
			{"a household", "", w.headTok, 403, "forbidden"},
			{"a cadre", "", w.cadreTok, 403, "forbidden"},
			{"nobody", "", "", 401, "unauthenticated"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, h.do("GET", "/admin/api/payments"+tc.query, nil, tc.token), tc.status, tc.code)
			})
		}
		if got := auditActions(t, db, "payment"); len(got) == 0 || got[0] != "payment.list" {
			t.Errorf("the reads were not audited: %v", got)
		}
	})
}

func TestAdminOverduePayments(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		w := newSubsidyWorld(t, h)
		older := h.fx.Payment(w.otherHH, "dibao", 70000, date(2026, 9, 10))
		county := h.signInAdmin(h.fx.Admin("419901"))
		r := decode[report.View](t, h.do("POST", fmt.Sprintf("/api/v1/subsidies/%d/reports", w.overdue.ID),
			report.PaymentReportInput{Kind: "not_received", Text: "没到"}, w.headTok))

		res := h.do("GET", "/admin/api/payments/overdue", nil, county)
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		page := decode[subsidy.PaymentPage](t, res)
		if len(page.Items) != 2 || page.Items[0].ID != older.ID || page.Items[1].ID != w.overdue.ID || page.Total.Count != 2 {
			t.Fatalf("overdue, longest first: %+v", page.Items)
		}
		if it := page.Items[0]; it.DaysLate != 74 || it.Status != "overdue" || it.OpenReportID != 0 {
			t.Errorf("older: %+v", it)
		}
		if it := page.Items[1]; it.OpenReportID != r.ID || it.ReportStatus != "open" {
			t.Errorf("the open report is not shown: %+v", it)
		}
		if p := decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments/overdue?region=419901100201", nil, county)); len(p.Items) != 1 {
			t.Errorf("by village: %+v", p.Items)
		}
		second := decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments/overdue?limit=1", nil, county))
		next := decode[subsidy.PaymentPage](t, h.do("GET", "/admin/api/payments/overdue?limit=1&cursor="+second.NextCursor, nil, county))
		if len(next.Items) != 1 || next.Items[0].ID != w.overdue.ID || next.NextCursor != "" {
			t.Errorf("second page: %+v", next)
		}
		wantError(t, h.do("GET", "/admin/api/payments/overdue?status=paid", nil, county), 400, "invalid_status")
	})
}
