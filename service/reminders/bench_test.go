package reminders_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/reminders"
)

// BenchmarkDigest100k runs the cadres' morning digest over a county of
// 100,000 households in 500 villages: 5,000 responsible cadres (20
// households each) and 500 stationed work teams (a village each), all with
// WeChat users, 200,000 pairings and about 360,000 visits. One op is three
// days' digests for every cadre, queued into the outbox (the county is
// seeded once per op: run it with -benchtime 1x); s/digest is one day's.
//
//	go test -run '^$' -bench Digest100k -benchtime 1x -timeout 30m ./service/reminders/
func BenchmarkDigest100k(b *testing.B) {
	dbs := map[string]func(testing.TB) *model.DB{"sqlite": modeltest.SQLite, "mariadb": modeltest.MySQL}
	for _, name := range []string{"sqlite", "mariadb"} {
		b.Run(name, func(b *testing.B) {
			db := dbs[name](b)
			started := time.Now()
			cadres := seedCounty(b, db, 500, 200, 20)
			b.Logf("%s: seeded 100,000 households and %d cadres in %s", name, cadres, time.Since(started).Round(time.Second))
			r, err := reminders.New(reminders.Deps{DB: db, Policy: config.DefaultPolicy(), Templates: config.DefaultPushTemplates(), Logger: quiet},
				reminders.Options{Location: shanghai, GraceDays: 5})
			if err != nil {
				b.Fatal(err)
			}
			today := model.Date{Year: 2026, Month: time.May, Day: 4}
			const days = 3
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				begin := time.Now()
				for d := 0; d < days; d++ {
					t0 := time.Now()
					n, err := r.Digest(ctx(), today.AddDays(i*days+d))
					if err != nil {
						b.Fatal(err)
					}
					b.Logf("%s: day %d: %d digests in %s", name, d+1, n, time.Since(t0).Round(time.Millisecond))
				}
				b.ReportMetric(time.Since(begin).Seconds()/days, "s/digest")
			}
		})
	}
}

// seedCounty writes villages × perVillage households with one responsible
// cadre per perCadre households and a work team per village, in batches.
func seedCounty(b testing.TB, db *model.DB, villages, perVillage, perCadre int) int {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC)
	start := model.Date{Year: 2025, Month: time.November, Day: 1}
	create := func(v any) {
		if err := db.CreateInBatches(v, 1000).Error; err != nil {
			b.Fatal(err)
		}
	}
	cadreCount := 0
	for v := 0; v < villages; v++ {
		code := fmt.Sprintf("410122%03d%03d", 100+v/25, 201+v%25)
		hs := make([]model.Household, perVillage)
		for i := range hs {
			hs[i] = model.Household{HouseholdNo: fmt.Sprintf("%s%05d", code, i), RegionCode: code, Class: model.ClassPovertyAlleviated,
				Status: "active", SupportLevel: model.SupportNormal, HeadName: "户主" + fmt.Sprint(i), Size: 3}
			if rng.IntN(20) == 0 {
				hs[i].SupportLevel = model.SupportElevated
			}
		}
		create(&hs)
		cs := make([]model.Cadre, perVillage/perCadre+1)
		for i := range cs {
			cs[i] = model.Cadre{Name: fmt.Sprintf("干部%d-%d", v, i), Kind: "responsible", RegionCode: code, Status: "active"}
		}
		cs[len(cs)-1].Kind = "work_team"
		create(&cs)
		cadreCount += len(cs)
		us := make([]model.User, len(cs))
		for i, c := range cs {
			openid := fmt.Sprintf("bench-%d", c.ID)
			us[i] = model.User{MiniappOpenid: &openid, Role: model.UserCadre, CadreID: &cs[i].ID}
		}
		create(&us)
		var ps []model.Pairing
		var vs []model.Visit
		team := cs[len(cs)-1]
		for i, h := range hs {
			ps = append(ps, model.Pairing{CadreID: cs[i/perCadre].ID, HouseholdID: h.ID, Role: model.RoleResponsible, StartedOn: start},
				model.Pairing{CadreID: team.ID, HouseholdID: h.ID, Role: model.RoleWorkTeam, StartedOn: start})
			if rng.IntN(10) == 0 {
				continue // never visited
			}
			for k := 0; k < 4; k++ {
				at := now.Add(-time.Duration(rng.IntN(90*24)) * time.Hour)
				vs = append(vs, model.Visit{ClientID: fmt.Sprintf("%012d-%d", h.ID, k), CadreID: cs[i/perCadre].ID, HouseholdID: h.ID,
					Revision: 1, IsCurrent: true, VisitedAt: at, ReceivedAt: at, LocationFlag: model.LocationOK, Findings: "{}",
					PhotoIDs: "[]", Confirmation: model.ConfirmPending})
			}
		}
		create(&ps)
		create(&vs)
	}
	return cadreCount
}
