package console_test

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/console"
)

// reassignEnv is a household paired with cadre A, with an open, an
// acknowledged and a resolved case routed to A; B and C are in post.
type reassignEnv struct {
	db                   *model.DB
	svc                  *console.Service
	f                    *modeltest.Fixtures
	h                    model.Household
	a, b, c              model.Cadre
	pairA                model.Pairing
	open, acked, settled model.Report
}

var official = audit.Actor{Kind: "official", ID: 9, Name: "测试乡镇干部"}

func newReassignEnv(t *testing.T, db *model.DB) *reassignEnv {
	t.Helper()
	log, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := console.New(console.Deps{DB: db, Audit: log, Policy: config.DefaultPolicy()}, console.Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	f := modeltest.NewFixtures(t, db)
	f.Region("419901100201", "甲村")
	e := &reassignEnv{db: db, svc: svc, f: f}
	e.h, _ = f.Household("419901100201")
	e.a, e.b, e.c = f.Cadre("419901100201"), f.Cadre("419901100201"), f.Cadre("419901100201")
	for _, c := range []model.Cadre{e.a, e.b, e.c} {
		f.CadreUser(c)
	}
	e.pairA = f.Pair(e.a, e.h, model.RoleResponsible)
	e.open = f.Report(e.h, &e.a.ID, model.ReportOpen)
	e.acked = f.Report(e.h, &e.a.ID, model.ReportAcknowledged)
	e.settled = f.Report(e.h, &e.a.ID, model.ReportResolved)
	return e
}

func (e *reassignEnv) report(t *testing.T, r model.Report) model.Report {
	t.Helper()
	var got model.Report
	if err := e.db.Take(&got, r.ID).Error; err != nil {
		t.Fatal(err)
	}
	return got
}

func (e *reassignEnv) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *reassignEnv) pair(t *testing.T, c model.Cadre) {
	t.Helper()
	if _, err := e.svc.Pair(t.Context(), model.RegionScope("419901"), official,
		console.PairInput{CadreID: c.ID, HouseholdID: e.h.ID, Role: model.RoleResponsible, Replace: true}); err != nil {
		t.Fatal(err)
	}
}

func assignedTo(r model.Report) int64 {
	if r.AssignedCadreID == nil {
		return 0
	}
	return *r.AssignedCadreID
}

// TestReplacingTheCadreMovesOpenCases: replacing the 帮扶责任人 moves the
// open and acknowledged cases with a step, an audit entry and a notice to
// the new cadre; the closed case, the deadlines and the escalation stay.
func TestReplacingTheCadreMovesOpenCases(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newReassignEnv(t, db)
		e.pair(t, e.b)
		for _, r := range []model.Report{e.open, e.acked} {
			got := e.report(t, r)
			if assignedTo(got) != e.b.ID || !got.FirstDeadline.Equal(r.FirstDeadline) || !got.FinalDeadline.Equal(r.FinalDeadline) ||
				got.Status != r.Status || got.EscalationLevel != r.EscalationLevel {
				t.Fatalf("report %d after the move: %+v", r.ID, got)
			}
			var ev model.ReportEvent
			if err := db.Where("report_id = ?", r.ID).Order("id DESC").Take(&ev).Error; err != nil {
				t.Fatal(err)
			}
			want := "帮扶责任人变更，由 " + e.a.Name + " 转交 " + e.b.Name
			if ev.Message == nil || *ev.Message != want || ev.ActorKind != "official" || ev.ActorName != official.Name ||
				ev.FromStatus != r.Status || ev.ToStatus != r.Status {
				t.Fatalf("step %+v (message %v), want %q", ev, ev.Message, want)
			}
		}
		if got := e.report(t, e.settled); assignedTo(got) != e.a.ID || !got.UpdatedAt.Equal(e.settled.UpdatedAt) {
			t.Fatalf("the resolved case moved: %+v", got)
		}
		if n := e.count(t, "report_events", "report_id = ?", e.settled.ID); n != 1 {
			t.Fatalf("the resolved case has %d steps", n)
		}
		if n := e.count(t, "audit_log", "action = ? AND target_kind = ?", "report.reassign", "report"); n != 2 {
			t.Fatalf("%d audit entries for the moves", n)
		}
		var notices []model.OutboxMessage
		db.Where("kind = ?", "report_assigned").Find(&notices)
		if len(notices) != 2 {
			t.Fatalf("%d notices queued: %+v", len(notices), notices)
		}
		var bUser model.User
		db.Where("cadre_id = ?", e.b.ID).Take(&bUser)
		for _, n := range notices {
			if n.UserID == nil || *n.UserID != bUser.ID {
				t.Fatalf("notice to user %v, want B's %d", n.UserID, bUser.ID)
			}
		}

		t.Run("away and back tells each time", func(t *testing.T) {
			e.pair(t, e.a)
			e.pair(t, e.b)
			if got := e.report(t, e.open); assignedTo(got) != e.b.ID {
				t.Fatalf("assigned to %d", assignedTo(got))
			}
			if n := e.count(t, "push_outbox", "kind = ?", "report_assigned"); n != 6 {
				t.Fatalf("%d notices after three moves of two cases, want 6", n)
			}
		})
		t.Run("pairing a work team changes nothing while a 帮扶责任人 is paired", func(t *testing.T) {
			before := e.count(t, "report_events", "1 = 1")
			if _, err := e.svc.Pair(t.Context(), model.RegionScope("419901"), official,
				console.PairInput{CadreID: e.c.ID, HouseholdID: e.h.ID, Role: model.RoleWorkTeam}); err != nil {
				t.Fatal(err)
			}
			if after := e.count(t, "report_events", "1 = 1"); after != before {
				t.Fatalf("%d steps written", after-before)
			}
		})
	})
}

// TestEndingThePairingWithoutSuccessor: the cases go to the next cadre by
// the filing rule (a work team), and with nobody left to none: they rest
// with their department, and nobody is pushed.
func TestEndingThePairingWithoutSuccessor(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newReassignEnv(t, db)
		team := e.f.Pair(e.c, e.h, model.RoleWorkTeam)
		end := func(p model.Pairing) {
			t.Helper()
			if _, err := e.svc.EndPairing(t.Context(), model.RegionScope("419901"), official, p.ID, model.Date{}); err != nil {
				t.Fatal(err)
			}
		}
		end(e.pairA)
		if got := e.report(t, e.open); assignedTo(got) != e.c.ID {
			t.Fatalf("after A left: assigned to %d, want the work team's %d", assignedTo(got), e.c.ID)
		}
		end(team)
		for _, r := range []model.Report{e.open, e.acked} {
			if got := e.report(t, r); got.AssignedCadreID != nil || got.Status != r.Status {
				t.Fatalf("after everyone left: %+v", got)
			}
		}
		var ev model.ReportEvent
		db.Where("report_id = ?", e.open.ID).Order("id DESC").Take(&ev)
		if want := "帮扶责任人变更，由 " + e.c.Name + " 转交 测试镇人民政府"; ev.Message == nil || *ev.Message != want {
			t.Fatalf("step %v, want %q", ev.Message, want)
		}
		if n := e.count(t, "push_outbox", "kind = ?", "report_assigned"); n != 2 {
			t.Fatalf("%d notices: the work team's two, and none for nobody", n)
		}
		t.Run("ending it again moves nothing", func(t *testing.T) {
			before := e.count(t, "report_events", "1 = 1")
			end(team)
			if after := e.count(t, "report_events", "1 = 1"); after != before {
				t.Fatalf("%d steps written", after-before)
			}
		})
	})
}
