package imports

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/importer"
)

// TestCadreImportLeaves: a roster row marking the 帮扶责任人 调离 hands
// over as the console's 离岗 does, in the batch: the pairing ends on the
// import day in the county's zone, the open case goes to the work team,
// the unused invite is revoked, the cadre's sessions are forgotten after
// commit, and the run's summary counts it. The same roster again changes
// nothing; 在岗 later puts the cadre back without restoring the pairing.
func TestCadreImportLeaves(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadPeople()
		idRen2 := withCheckDigit("41999919800101902")
		header := []string{"姓名", "身份证号", "联系电话", "干部类型", "所在区划代码", "状态"}
		roster := func(name, ren1Status string) string {
			return writeCSV(t, name, [][]string{header,
				{"测试壬一", idRen1, "13900139001", "帮扶责任人", "410122100201", ren1Status},
				{"测试壬二", idRen2, "13900139002", "驻村工作队员", "410122100201", "在岗"},
			})
		}
		e.run(importer.KindCadres, roster("first.csv", ""))
		var ren1, ren2 model.Cadre
		must(t, db.Where("name = ?", "测试壬一").Take(&ren1).Error)
		must(t, db.Where("name = ?", "测试壬二").Take(&ren2).Error)
		if ren1.Status != model.CadreActive {
			t.Fatalf("a blank status made %q", ren1.Status)
		}
		var h model.Household
		must(t, db.Where("household_no = ?", hhJia).Take(&h).Error)
		pair := e.fx.Pair(ren1, h, model.RoleResponsible)
		// Begun before the service's (fixed) import day, so the end is that day.
		must(t, db.Model(&pair).Update("started_on", model.Date{Year: 2024, Month: 1, Day: 1}).Error)
		e.fx.Pair(ren2, h, model.RoleWorkTeam)
		open := e.fx.Report(h, &ren1.ID, model.ReportOpen)
		inv := model.InviteCode{CodeIndex: "idx-ren1", CadreID: ren1.ID, IssuedBy: 1, ExpiresAt: time.Now().UTC().Add(time.Hour)}
		must(t, db.Create(&inv).Error)

		left := roster("left.csv", "调离")
		if res := e.run(importer.KindCadres, left); res.Updated != 1 || res.Unchanged != 1 {
			t.Fatalf("%+v", res)
		}
		must(t, db.Take(&ren1, ren1.ID).Error)
		must(t, db.Take(&pair, pair.ID).Error)
		if ren1.Status != model.CadreLeft || pair.EndedOn != model.DateOf(testNow) {
			t.Fatalf("status %q, pairing ended %v, want %v", ren1.Status, pair.EndedOn, model.DateOf(testNow))
		}
		var r model.Report
		must(t, db.Take(&r, open.ID).Error)
		if r.AssignedCadreID == nil || *r.AssignedCadreID != ren2.ID {
			t.Fatalf("case with %v, want the work team's %d", r.AssignedCadreID, ren2.ID)
		}
		if n := count(t, db, "invite_codes", "id = ? AND revoked_at IS NOT NULL", inv.ID); n != 1 {
			t.Fatal("the unused invite is still good")
		}
		if n := count(t, db, "audit_log", "action = ?", "pairing.end"); n != 1 {
			t.Fatalf("%d pairing.end entries", n)
		}
		if n := count(t, db, "audit_log", "action = ? AND target_id = ?", "cadre.leave", ren1.ID); n != 1 {
			t.Fatalf("%d cadre.leave entries", n)
		}
		if !slices.Equal(e.forgot.ids, []int64{ren1.ID}) {
			t.Fatalf("sessions forgotten for %v", e.forgot.ids)
		}
		var run model.AuditEntry
		must(t, db.Where("action = ?", "import.run").Order("id DESC").Take(&run).Error)
		var detail struct {
			Also map[string]int `json:"also"`
		}
		must(t, json.Unmarshal([]byte(*run.Detail), &detail))
		if want := map[string]int{"cadres_left": 1, "pairings_ended": 1, "reports_reassigned": 1}; !maps.Equal(detail.Also, want) {
			t.Fatalf("summary %v, want %v", detail.Also, want)
		}

		t.Run("the same roster again", func(t *testing.T) {
			before := count(t, db, "audit_log", "1 = 1")
			if res := e.run(importer.KindCadres, left); res.Unchanged != 2 {
				t.Fatalf("%+v", res)
			}
			if after := count(t, db, "audit_log", "1 = 1"); after != before+1 { // the run's own entry
				t.Fatalf("%d audit entries", after-before)
			}
		})
		t.Run("back in post", func(t *testing.T) {
			if res := e.run(importer.KindCadres, roster("back.csv", "在岗")); res.Updated != 1 {
				t.Fatalf("%+v", res)
			}
			must(t, db.Take(&ren1, ren1.ID).Error)
			if ren1.Status != model.CadreActive || count(t, db, "pairings", "cadre_id = ? AND ended_on IS NULL", ren1.ID) != 0 {
				t.Fatalf("after 在岗: %q, pairings restored?", ren1.Status)
			}
		})
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
