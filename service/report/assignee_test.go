package report

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
)

// TestAssigneesIsTheFilingRule: one statement picks, per household, the
// 帮扶责任人, else the work team, else a leader, the newest pairing of the
// role first, skipping ended pairings and cadres no longer in post; and
// Reassign moves several households' cases by it at once.
func TestAssigneesIsTheFilingRule(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		f := modeltest.NewFixtures(t, db)
		village := f.Region("419901100201", "甲村").Code
		cadre := func() model.Cadre { return f.Cadre(village) }
		pair := func(c model.Cadre, h model.Household, role string, monthsAgo int) model.Pairing {
			p := model.Pairing{CadreID: c.ID, HouseholdID: h.ID, Role: role, StartedOn: model.DateOf(time.Now().AddDate(0, -monthsAgo, 0))}
			if err := db.Create(&p).Error; err != nil {
				t.Fatal(err)
			}
			return p
		}
		want := map[int64]int64{}
		var all []int64
		household := func() model.Household {
			h, _ := f.Household(village)
			all = append(all, h.ID)
			return h
		}

		h1, resp, team := household(), cadre(), cadre()
		pair(team, h1, model.RoleWorkTeam, 1)
		pair(resp, h1, model.RoleResponsible, 6)
		want[h1.ID] = resp.ID

		h2, older, newer := household(), cadre(), cadre()
		pair(older, h2, model.RoleResponsible, 6)
		pair(newer, h2, model.RoleResponsible, 1) // an import left both open
		want[h2.ID] = newer.ID

		h3, gone, leader := household(), cadre(), cadre()
		pair(gone, h3, model.RoleResponsible, 1)
		db.Model(&gone).Update("status", "left")
		pair(leader, h3, model.RoleLeader, 6)
		want[h3.ID] = leader.ID

		h4, ended := household(), cadre()
		p := pair(ended, h4, model.RoleResponsible, 6)
		db.Model(&p).Update("ended_on", model.DateOf(time.Now()))

		got, err := assignees(t.Context(), db, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for h, c := range want {
			if got[h] != c {
				t.Errorf("household %d: cadre %d, want %d", h, got[h], c)
			}
		}

		t.Run("Reassign moves all of them in one call", func(t *testing.T) {
			stale := cadre()
			reports := map[int64]model.Report{}
			for _, h := range []model.Household{h1, h2, h3, h4} {
				reports[h.ID] = f.Report(h, &stale.ID, model.ReportAcknowledged)
			}
			log, _ := audit.New(db, nil)
			r, err := NewReassigner(log, time.UTC, nil)
			if err != nil {
				t.Fatal(err)
			}
			var moved int
			err = db.Tx(t.Context(), func(tx *model.DB) error {
				moved, err = r.Reassign(t.Context(), tx, append(all, all...), audit.System)
				return err
			})
			if err != nil || moved != 4 {
				t.Fatalf("moved %d, %v", moved, err)
			}
			for h, rep := range reports {
				var now model.Report
				db.Take(&now, rep.ID)
				if c, ok := want[h]; ok != (now.AssignedCadreID != nil) || (ok && *now.AssignedCadreID != c) {
					t.Errorf("household %d: assigned %v, want %d", h, now.AssignedCadreID, c)
				}
			}
		})
	})
}
