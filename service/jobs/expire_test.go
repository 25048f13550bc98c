package jobs

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// TestCloseExpired is the scheduler's seam (issue 8 runs it daily): open
// postings past their end are closed, the rest left alone, and a second
// run finds nothing.
func TestCloseExpired(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		clock := time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		log, _ := audit.New(db, now)
		fx := modeltest.NewFixtures(t, db)
		fx.Region("419901000000", "测试县")
		s, err := FromConfig(config.Default(), db, fx.Cipher, log, now)
		if err != nil {
			t.Fatal(err)
		}
		official := auth.Principal{Role: auth.RoleOfficial, AdminID: fx.Admin("419901").ID, RegionScope: "419901"}
		wage := int64(300000)
		post := func(until model.Date) int64 {
			v, err := s.Create(t.Context(), official, JobInput{Kind: "park", Title: "包装工", Employer: "食品厂",
				RegionCode: "419901000000", WageMinFen: &wage, WageMaxFen: &wage, WageUnit: "month", Headcount: 3,
				ContactPhone: "0371-66001234", ValidUntil: until})
			if err != nil {
				t.Fatal(err)
			}
			return v.ID
		}
		today := model.Date{Year: 2026, Month: 6, Day: 1}
		ends := post(today)
		later := post(today.AddDays(10))
		closed := post(today)
		if _, err := s.Close(t.Context(), official, closed); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CloseExpired(t.Context()); err != nil || n != 0 {
			t.Fatalf("on its last day a posting is still open: %d, %v", n, err)
		}
		clock = clock.Add(24 * time.Hour)
		v0, _ := model.JobsVersion(t.Context(), db)
		if n, err := s.CloseExpired(t.Context()); err != nil || n != 1 {
			t.Fatalf("closed %d, %v; want the one that ended", n, err)
		}
		// Marked for the matching engine, so no instance whose clock is behind keeps showing it.
		var stamped model.Job
		db.Select("id", "change_seq").Take(&stamped, ends)
		if v1, _ := model.JobsVersion(t.Context(), db); v1 != v0+1 || stamped.ChangeSeq != v1 {
			t.Fatalf("version %d → %d, the closed posting stamped %d", v0, v1, stamped.ChangeSeq)
		}
		if n, _ := s.CloseExpired(t.Context()); n != 0 {
			t.Fatalf("a second run closed %d", n)
		}
		for id, want := range map[int64]string{ends: "closed", later: "open", closed: "closed"} {
			v, err := s.Get(t.Context(), id)
			if err != nil || v.Status != want {
				t.Errorf("posting %d: %s, %v; want %s", id, v.Status, err, want)
			}
		}
	})
}
