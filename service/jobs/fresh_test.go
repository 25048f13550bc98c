package jobs

import (
	"slices"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// TestRecommendationsSeeOtherInstances: two instances of the board on one
// database, as behind a load balancer. The worker asks instance A; the
// official publishes, fills, edits and closes on instance B, and the
// scheduler's midnight comes and goes. The matching engine holds open
// postings in memory, and its freshness bound is one request: every
// change committed before A's request starts is in A's answer.
func TestRecommendationsSeeOtherInstances(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		clock := time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC) // noon in Asia/Shanghai, the configured zone
		now := func() time.Time { return clock }
		log, _ := audit.New(db, now)
		fx := modeltest.NewFixtures(t, db)
		fx.Region("419901000000", "测试县")
		a, err := FromConfig(config.Default(), db, fx.Cipher, log, now)
		if err != nil {
			t.Fatal(err)
		}
		b, err := FromConfig(config.Default(), db, fx.Cipher, log, now)
		if err != nil {
			t.Fatal(err)
		}
		_, m := fx.Household("419901100201")
		u := fx.HouseholdUser(m)
		worker := auth.Principal{Role: auth.RoleHousehold, UserID: u.ID, MemberID: m.ID, HouseholdID: m.HouseholdID}
		if _, err := a.SaveProfile(t.Context(), worker, ProfileInput{Places: []string{"county"}, Kinds: []string{"park"},
			MinWageFen: 300000, WageUnit: "month", Capacity: "full"}); err != nil {
			t.Fatal(err)
		}
		official := auth.Principal{Role: auth.RoleOfficial, AdminID: fx.Admin("419901").ID, RegionScope: "419901"}
		recommended := func() []int64 {
			t.Helper()
			page, err := a.Recommended(t.Context(), worker, 10)
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{}
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			return ids
		}
		want := func(step string, ids ...int64) {
			t.Helper()
			if got := recommended(); !slices.Equal(got, append([]int64{}, ids...)) {
				t.Fatalf("%s: instance A recommends %v, want %v", step, got, ids)
			}
		}
		today := model.Date{Year: 2026, Month: 6, Day: 1}
		lo, hi := int64(350000), int64(450000)
		in := JobInput{Kind: "park", Title: "包装工", Employer: "食品厂", RegionCode: "419901000000", WageMinFen: &lo,
			WageMaxFen: &hi, WageUnit: "month", Headcount: 3, ContactPhone: "0371-66001234", ValidUntil: today.AddDays(30)}

		want("before any posting") // the board is loaded, and empty
		v, err := b.Create(t.Context(), official, in)
		if err != nil {
			t.Fatal(err)
		}
		id := v.ID
		want("published on B", id)

		in.Filled = 3
		if _, err := b.Update(t.Context(), official, id, in); err != nil {
			t.Fatal(err)
		}
		want("filled in full on B")
		in.Filled = 1
		if _, err := b.Update(t.Context(), official, id, in); err != nil {
			t.Fatal(err)
		}
		want("a place free again", id)

		low := int64(280000)
		in.WageMinFen, in.WageMaxFen = &low, &low
		if _, err := b.Update(t.Context(), official, id, in); err != nil {
			t.Fatal(err)
		}
		want("the wage cut below the worker's wish")
		in.WageMinFen, in.WageMaxFen = &lo, &hi
		if _, err := b.Update(t.Context(), official, id, in); err != nil {
			t.Fatal(err)
		}
		want("the wage restored", id)

		if _, err := b.Close(t.Context(), official, id); err != nil {
			t.Fatal(err)
		}
		want("closed on B")

		// Dates move without anyone writing: a posting ending today goes at midnight, one starting
		// tomorrow comes.
		in.Filled, in.ValidUntil = 0, today
		ends, err := b.Create(t.Context(), official, in)
		if err != nil {
			t.Fatal(err)
		}
		in.ValidFrom, in.ValidUntil = today.AddDays(1), today.AddDays(20)
		starts, err := b.Create(t.Context(), official, in)
		if err != nil {
			t.Fatal(err)
		}
		want("on the last day of one and the eve of the other", ends.ID)
		clock = clock.Add(24 * time.Hour)
		want("the next day", starts.ID)
		if n, err := b.CloseExpired(t.Context()); err != nil || n != 1 {
			t.Fatalf("CloseExpired on B: %d, %v", n, err)
		}
		want("after the scheduler closed the ended one", starts.ID)
	})
}
