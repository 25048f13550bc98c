package imports

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/importer"
)

// loadPeople imports the fixture county's regions, households and members.
func (e *env) loadPeople() {
	e.t.Helper()
	for _, f := range fixtureCounty[:3] {
		if res := e.run(f.kind, fixture(f.file)); res.Created == 0 || res.Rejected != 0 {
			e.t.Fatalf("%s: %+v", f.file, res)
		}
	}
}

// TestBadPaymentRows imports the file with one row for each way a payment
// row goes wrong, in both modes.
func TestBadPaymentRows(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadPeople()

		t.Run("all or nothing", func(t *testing.T) {
			res := e.run(importer.KindPayments, fixture("payments_bad_rows.csv"))
			if res.Status != model.ImportRejected || res.Total != 25 || res.Rejected != 24 || res.Created+res.Updated != 0 {
				t.Fatalf("%+v", res)
			}
			if n := count(t, db, "payments", ""); n != 0 {
				t.Fatalf("%d payments written by a rejected run", n)
			}
			report := readReport(t, res.ReportPath)
			rows := map[string]bool{}
			for _, r := range report {
				rows[r[0]] = true
				if r[1] == "身份证号" && rawIDCard.MatchString(r[2]) {
					t.Errorf("report shows an ID number in clear: %v", r)
				}
			}
			for row := 3; row <= 26; row++ {
				if !rows[itoa(row)] {
					t.Errorf("row %d is not in the report", row)
				}
			}
			if rows["2"] {
				t.Errorf("the good row is reported: %v", report)
			}
			wantReason(t, report, "5", "户编号", "没有这个户编号的户")
			wantReason(t, report, "8", "身份证号", "不属于户编号为410122100202000002的户")
			wantReason(t, report, "3", "户编号", "与第2行重复")
			var run model.ImportRun
			db.Take(&run, res.RunID)
			if run.Status != model.ImportRejected || run.RowsRejected != 24 || run.RowsTotal != 25 || run.ReportPath != res.ReportPath || run.FinishedAt == nil {
				t.Fatalf("run %+v", run)
			}
		})

		t.Run("keep good", func(t *testing.T) {
			res := e.run(importer.KindPayments, fixture("payments_bad_rows.csv"), keepGood)
			if res.Status != model.ImportDone || res.Total != 25 || res.Rejected != 24 || res.Created != 1 {
				t.Fatalf("%+v", res)
			}
			var p model.Payment
			if err := db.Take(&p).Error; err != nil || p.ItemCode != "dibao" || p.AmountFen != 45500 || p.Status != model.PaymentPaid ||
				p.CardLast4 != "1234" || p.ImportRunID == nil || *p.ImportRunID != res.RunID {
				t.Fatalf("%+v %v", p, err)
			}
			if len(e.cache.ids) != 1 {
				t.Fatalf("cache told %v", e.cache.ids)
			}
		})

		t.Run("dry run", func(t *testing.T) {
			runs := count(t, db, "import_runs", "")
			res := e.run(importer.KindPayments, fixture("payments_gbk_serial_dates.csv"), func(r *Request) { r.DryRun = true })
			if res.Status != model.ImportDone || res.Total != 16 || res.Rejected != 0 || res.RunID != 0 || res.ReportPath != "" {
				t.Fatalf("%+v", res)
			}
			if count(t, db, "payments", "") != 1 || count(t, db, "import_runs", "") != runs {
				t.Fatal("a dry run wrote")
			}
			bad := e.run(importer.KindPayments, fixture("payments_bad_rows.csv"), func(r *Request) { r.DryRun = true })
			if bad.Status != model.ImportRejected || bad.Rejected != 24 || bad.ReportPath == "" {
				t.Fatalf("%+v", bad)
			}
		})
	})
}

func wantReason(t *testing.T, report [][]string, row, column, reason string) {
	t.Helper()
	for _, r := range report {
		if r[0] == row && r[1] == column && strings.Contains(r[3], reason) {
			return
		}
	}
	t.Errorf("no rejection of row %s, column %s, reason %q in\n%v", row, column, reason, report)
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestWriteStopsWhenDataChanges: a row that passed the checking pass but
// no longer passes when it is written stops an all-or-nothing run, saying
// what is kept.
func TestWriteStopsWhenDataChanges(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		for _, f := range fixtureCounty[:2] {
			e.run(f.kind, fixture(f.file))
		}
		moved := false
		res, err := e.svc.Run(t.Context(), Request{Kind: importer.KindMembers, Path: fixture("members_merged_header.xlsx"),
			Scope: model.RegionScope("410122"), Actor: e.actor(), Progress: func(p Progress) {
				if p.Phase == model.PhaseChecking && p.Bytes == p.Size && !moved {
					// Between the passes the last household moves to another county.
					moved = true
					db.Model(&model.Household{}).Where("household_no = ?", "410122100203000008").Update("region_code", "410123100201")
				}
			}})
		if err == nil || res.Status != model.ImportFailed || !strings.Contains(res.Error, "校验通过后") || !strings.Contains(res.Error, "第25行") {
			t.Fatalf("%v %+v", err, res)
		}
		// Batches of four: rows 4 to 23 were written (seven of them heads the
		// households file had created), row 24 waited for its batch.
		if res.Created != 13 || res.Updated != 7 || !strings.Contains(res.Error, "已写入的行保留") {
			t.Fatalf("%+v", res)
		}
		if n := count(t, db, "members", ""); n != 8+13 {
			t.Fatalf("%d members", n)
		}
		var run model.ImportRun
		db.Take(&run, res.RunID)
		if run.Status != model.ImportFailed || run.Error == nil || *run.Error != res.Error || run.RowsCreated != 13 || run.RowsUpdated != 7 {
			t.Fatalf("%+v", run)
		}
	})
}

func TestReportAsXLSX(t *testing.T) {
	e := newEnv(t, modeltest.SQLite(t))
	e.loadPeople()
	res := e.run(importer.KindPayments, fixture("payments_bad_rows.csv"))
	path := t.TempDir() + "/report.xlsx"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReport(res.ReportPath, f, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	src, err := importer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	csvRows := readReport(t, res.ReportPath)
	n := 0
	for src.Next() {
		if n > 0 {
			want := csvRows[n-1]
			want[1], want[2] = undefuse(want[1]), undefuse(want[2]) // formulas are quoted in CSV only
			if strings.Join(src.Row().Cells, "|") != strings.Join(want, "|") {
				t.Fatalf("row %d: %v, want %v", n, src.Row().Cells, want)
			}
		}
		n++
	}
	if n != len(csvRows)+1 {
		t.Fatalf("%d rows in XLSX, %d in CSV", n, len(csvRows))
	}
}
