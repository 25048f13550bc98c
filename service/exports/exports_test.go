package exports

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

var now = time.Date(2024, 10, 8, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// county is a county with two villages in scope and one outside it.
type county struct {
	db                *model.DB
	fx                *modeltest.Fixtures
	a, b, elevated, c model.Household
	cadre             model.Cadre
}

func newCounty(t *testing.T, db *model.DB) *county {
	fx := modeltest.NewFixtures(t, db)
	if err := db.SyncSubsidyItems(t.Context(), model.SubsidyItemRows(config.DefaultSubsidyItems())); err != nil {
		t.Fatal(err)
	}
	fx.Region("419901100000", "测试镇")
	fx.Region("419901100201", "测试村")
	fx.Region("419902100201", "外县村")
	db.Model(&model.Region{}).Where("code = ?", "419901100201").Update("parent_code", "419901100000")
	k := &county{db: db, fx: fx}
	k.a, _ = fx.Household("419901100201")
	k.b, _ = fx.Household("419901100201")
	k.elevated, _ = fx.Household("419901100201")
	k.c, _ = fx.Household("419902100201")
	db.Model(&k.elevated).Update("support_level", model.SupportElevated)
	// Everyone has been on file for two months.
	db.Model(&model.Household{}).Where("1 = 1").Update("created_at", now.AddDate(0, -2, 0).UTC())
	k.cadre = fx.Cadre("419901100201")
	fx.Pair(k.cadre, k.a, model.RoleResponsible)
	return k
}

func (k *county) payment(t *testing.T, h model.Household, status string, due model.Date) {
	p := model.Payment{HouseholdID: h.ID, RegionCode: h.RegionCode, ItemCode: "dibao", Period: due.String()[:7] + fmt.Sprint(len(status)),
		AmountFen: 45550, DueDate: due, Status: status}
	if status == model.PaymentPaid {
		p.PaidDate = due
	}
	if err := k.db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
}

func (k *county) visit(t *testing.T, h model.Household, daysAgo int, confirmation string) {
	v := model.Visit{ClientID: fmt.Sprintf("%036d", k.fx.DB.RowsAffected+int64(daysAgo)*1000+h.ID), CadreID: k.cadre.ID, HouseholdID: h.ID,
		Revision: 1, IsCurrent: true, VisitedAt: now.AddDate(0, 0, -daysAgo).UTC(), ReceivedAt: now.UTC(), LocationFlag: model.LocationOK,
		Findings: "{}", PhotoIDs: "[]", Confirmation: confirmation}
	if err := k.db.Create(&v).Error; err != nil {
		t.Fatal(err)
	}
}

func (k *county) report(t *testing.T, h model.Household, status string, deadline time.Time) {
	r := model.Report{Type: model.ReportPayment, HouseholdID: h.ID, RegionCode: h.RegionCode, Kind: "not_received", Text: "没收到",
		PhotoIDs: "[]", Status: status, FirstDeadline: deadline.AddDate(0, 0, -5).UTC(), FinalDeadline: deadline.UTC(),
		ReporterRelation: "self", Department: "民政局"}
	if err := k.db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
}

// export writes a list for an official of the county's town and reads it back.
func export(t *testing.T, svc *Service, scope model.Scope, name string) [][]string {
	t.Helper()
	var buf bytes.Buffer
	n, err := svc.Write(t.Context(), &buf, scope, audit.Actor{Kind: "official", ID: 3, Name: "测试官员"}, name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(Title(name))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != n {
		t.Fatalf("%s: %d rows written, %d reported", name, len(rows)-1, n)
	}
	for _, r := range rows {
		for _, cell := range r {
			if rawNumber.MatchString(cell) {
				t.Errorf("%s: an unmasked personal number: %q", name, cell)
			}
		}
	}
	return rows
}

var rawNumber = regexp.MustCompile(`^([1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9})$`)

func households(rows [][]string) string {
	var nos []string
	for _, r := range rows[1:] {
		nos = append(nos, r[0])
	}
	return strings.Join(nos, ",")
}

func TestExports(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		k := newCounty(t, db)
		log, _ := audit.New(db, nil)
		svc, err := New(Deps{DB: db, Audit: log, Policy: config.DefaultPolicy()},
			Options{GraceDays: 5, Location: now.Location(), Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		today := model.DateOf(now)
		town := model.RegionScope("419901100")

		t.Run("overdue payments", func(t *testing.T) {
			k.payment(t, k.a, model.PaymentScheduled, today.AddDays(-30)) // overdue
			k.payment(t, k.b, model.PaymentScheduled, today.AddDays(-5))  // within the grace days
			k.payment(t, k.b, model.PaymentPaid, today.AddDays(-30))      // paid
			k.payment(t, k.c, model.PaymentScheduled, today.AddDays(-30)) // outside the scope
			rows := export(t, svc, town, OverduePayments)
			if households(rows) != k.a.HouseholdNo {
				t.Fatalf("%v", rows)
			}
			r := rows[1]
			if r[3] != "测试镇" || r[4] != "测试村" || r[6] != "最低生活保障" || r[9] != "455.5" || r[11] != "30" || !strings.Contains(r[2], "****") {
				t.Fatalf("%q", r)
			}
			if got := households(export(t, svc, model.RegionScope(""), OverduePayments)); got != k.a.HouseholdNo+","+k.c.HouseholdNo {
				t.Fatalf("whole deployment: %s", got)
			}
		})

		t.Run("unvisited households", func(t *testing.T) {
			k.visit(t, k.a, 40, model.ConfirmConfirmed)
			k.visit(t, k.a, 1, model.ConfirmDenied) // denied: does not count
			k.visit(t, k.b, 10, model.ConfirmPending)
			k.visit(t, k.elevated, 20, model.ConfirmConfirmed) // 15 days for 提级帮扶
			rows := export(t, svc, town, UnvisitedHouseholds)
			if households(rows) != k.a.HouseholdNo+","+k.elevated.HouseholdNo {
				t.Fatalf("%v", rows)
			}
			if a := rows[1]; a[8] != "30" || a[10] != "10" || a[11] != k.cadre.Name {
				t.Fatalf("%q", a)
			}
			if e := rows[2]; e[7] != "提级帮扶" || e[8] != "15" || e[10] != "5" {
				t.Fatalf("%q", e)
			}
		})

		t.Run("zero employment", func(t *testing.T) {
			// Every fixture member has labour and wishes to work; b has one in work.
			db.Model(&model.Member{}).Where("household_id = ?", k.b.ID).Update("employment_status", model.EmploymentEmployed)
			db.Model(&model.Member{}).Where("household_id = ?", k.elevated.ID).Update("wish_to_work", false)
			rows := export(t, svc, town, ZeroEmployment)
			if households(rows) != k.a.HouseholdNo || rows[1][7] != "1" {
				t.Fatalf("%v", rows)
			}
		})

		t.Run("late reports", func(t *testing.T) {
			k.report(t, k.a, model.ReportOpen, now.Add(-49*time.Hour))
			k.report(t, k.b, model.ReportAcknowledged, now.Add(time.Hour))
			k.report(t, k.b, model.ReportResolved, now.Add(-49*time.Hour))
			k.report(t, k.c, model.ReportOpen, now.Add(-49*time.Hour))
			rows := export(t, svc, town, LateReports)
			if len(rows) != 2 || rows[1][4] != k.a.HouseholdNo || rows[1][1] != "问题反映" || rows[1][2] != "未收到补贴" || rows[1][11] != "2" {
				t.Fatalf("%v", rows)
			}
		})

		t.Run("audited", func(t *testing.T) {
			var entries []model.AuditEntry
			db.Where("action LIKE ?", "export.%").Order("id").Find(&entries)
			if len(entries) != 5 || entries[0].Action != "export.overdue-payments" || entries[0].RegionCode != "419901100" ||
				*entries[0].Detail != `{"rows":1}` || entries[0].ActorID != 3 {
				t.Fatalf("%+v", entries)
			}
		})

		if _, err := svc.Write(t.Context(), &bytes.Buffer{}, town, audit.System, "everything"); err != ErrUnknown {
			t.Fatalf("unknown list: %v", err)
		}
	})
}
