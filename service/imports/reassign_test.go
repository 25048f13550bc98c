package imports

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/importer"
)

// TestPairingImportMovesOpenCases: a pairings file that ends one 帮扶责任人
// and pairs another moves the household's open case to the new one, in
// the batch that writes the pairings; the same file again changes no
// pairing, so it writes no step and queues no notice.
func TestPairingImportMovesOpenCases(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadPeople()
		idRen2 := withCheckDigit("41999919800101902")
		header := []string{"姓名", "身份证号", "联系电话", "干部类型", "工作单位", "所在区划代码"}
		e.run(importer.KindCadres, writeCSV(t, "cadres.csv", [][]string{header,
			{"测试壬一", idRen1, "13900139001", "帮扶责任人", "测试县农业农村局", "410122100201"},
			{"测试壬二", idRen2, "13900139002", "帮扶责任人", "测试县人社局", "410122100201"},
		}))
		pairings := []string{"干部姓名", "干部身份证号", "户编号", "结对类型", "结对日期", "结束日期"}
		e.run(importer.KindPairings, writeCSV(t, "first.csv", [][]string{pairings,
			{"测试壬一", idRen1, hhJia, "帮扶责任人", "2024-01-01", ""},
		}))
		var ren1, ren2 model.Cadre
		db.Where("name = ?", "测试壬一").Take(&ren1)
		db.Where("name = ?", "测试壬二").Take(&ren2)
		e.fx.CadreUser(ren2)
		var h model.Household
		db.Where("household_no = ?", hhJia).Take(&h)
		open := e.fx.Report(h, &ren1.ID, model.ReportOpen)
		settled := e.fx.Report(h, &ren1.ID, model.ReportRejected)

		handOver := writeCSV(t, "handover.csv", [][]string{pairings,
			{"测试壬一", idRen1, hhJia, "帮扶责任人", "2024-01-01", "2024-10-01"},
			{"测试壬二", idRen2, hhJia, "帮扶责任人", "2024-10-01", ""},
		})
		e.run(importer.KindPairings, handOver)
		var got model.Report
		db.Take(&got, open.ID)
		if got.AssignedCadreID == nil || *got.AssignedCadreID != ren2.ID || !got.FirstDeadline.Equal(open.FirstDeadline) {
			t.Fatalf("after the import: %+v", got)
		}
		var still model.Report
		db.Take(&still, settled.ID)
		if *still.AssignedCadreID != ren1.ID {
			t.Fatalf("the rejected case moved to %d", *still.AssignedCadreID)
		}
		var ev model.ReportEvent
		db.Where("report_id = ?", open.ID).Order("id DESC").Take(&ev)
		if want := "帮扶责任人变更，由 测试壬一 转交 测试壬二"; ev.Message == nil || *ev.Message != want || ev.ActorName != "测试" {
			t.Fatalf("step %+v (message %v), want %q", ev, ev.Message, want)
		}
		counts := func() [3]int64 {
			return [3]int64{count(t, db, "report_events", "report_id = ?", open.ID),
				count(t, db, "push_outbox", "kind = ?", "report_assigned"),
				count(t, db, "audit_log", "action = ?", "report.reassign")}
		}
		if c := counts(); c != [3]int64{2, 1, 1} {
			t.Fatalf("steps, notices, audit entries: %v, want [2 1 1]", c)
		}

		t.Run("the same file again", func(t *testing.T) {
			res := e.run(importer.KindPairings, handOver)
			if res.Unchanged != 2 {
				t.Fatalf("%+v", res)
			}
			if c := counts(); c != [3]int64{2, 1, 1} {
				t.Fatalf("steps, notices, audit entries: %v after a replay", c)
			}
		})
	})
}
