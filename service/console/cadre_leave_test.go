package console_test

import (
	"errors"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
)

// invite stores an invite code for the cadre, used or not.
func (e *reassignEnv) invite(t *testing.T, c model.Cadre, used bool) model.InviteCode {
	t.Helper()
	inv := model.InviteCode{CodeIndex: "idx-" + time.Now().Format("150405.000000000"), CadreID: c.ID, IssuedBy: 1,
		ExpiresAt: time.Now().UTC().Add(24 * time.Hour)}
	if used {
		now := time.Now().UTC()
		inv.UsedAt = &now
	}
	if err := e.db.Create(&inv).Error; err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestCadreLeaves: A, the 帮扶责任人, leaves; the pairing ends that day
// with its audit entry, the open cases go to the work team (the filing
// rule's next choice), the unused invite is revoked, and a second call
// changes nothing.
func TestCadreLeaves(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newReassignEnv(t, db)
		team := e.f.Pair(e.c, e.h, model.RoleWorkTeam)
		unused, used := e.invite(t, e.a, false), e.invite(t, e.a, true)
		county := model.RegionScope("419901")
		on := model.DateOf(time.Now().UTC().AddDate(0, 0, -3))

		got, err := e.svc.CadreLeaves(t.Context(), county, official, e.a.ID, on)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.CadreLeft || got.PairingsEnded != 1 || got.ReportsMoved != 2 || got.Paired != 0 || got.ID != e.a.ID {
			t.Fatalf("answer %+v", got)
		}
		if len(got.Pairings) != 1 || got.Pairings[0].Active || got.Pairings[0].EndedOn != on {
			t.Fatalf("pairings in the answer: %+v", got.Pairings)
		}
		if n := e.count(t, "audit_log", "action = ? AND target_id = ?", "pairing.end", e.h.ID); n != 1 {
			t.Fatalf("%d pairing.end entries", n)
		}
		if n := e.count(t, "audit_log", "action = ? AND target_kind = ? AND target_id = ?", "cadre.leave", "cadre", e.a.ID); n != 1 {
			t.Fatalf("%d cadre.leave entries", n)
		}
		for _, r := range []model.Report{e.open, e.acked} {
			if r := e.report(t, r); assignedTo(r) != e.c.ID {
				t.Fatalf("case %d with %d, want the work team's %d", r.ID, assignedTo(r), e.c.ID)
			}
		}
		if r := e.report(t, e.settled); assignedTo(r) != e.a.ID {
			t.Fatalf("the resolved case moved to %d", assignedTo(r))
		}
		if n := e.count(t, "pairings", "id = ? AND ended_on IS NULL", team.ID); n != 1 {
			t.Fatal("the work team's pairing ended too")
		}
		if n := e.count(t, "invite_codes", "id = ? AND revoked_at IS NOT NULL", unused.ID); n != 1 {
			t.Fatal("the unused invite is still good")
		}
		if n := e.count(t, "invite_codes", "id = ? AND revoked_at IS NULL", used.ID); n != 1 {
			t.Fatal("the spent invite was revoked")
		}

		t.Run("a second call answers as is", func(t *testing.T) {
			before := e.count(t, "audit_log", "1 = 1")
			again, err := e.svc.CadreLeaves(t.Context(), county, official, e.a.ID, model.Date{})
			if err != nil {
				t.Fatal(err)
			}
			if again.Status != model.CadreLeft || again.PairingsEnded != 0 || again.ReportsMoved != 0 || again.Pairings[0].EndedOn != on {
				t.Fatalf("second answer %+v", again)
			}
			if after := e.count(t, "audit_log", "1 = 1"); after != before {
				t.Fatalf("%d audit entries written", after-before)
			}
		})
		t.Run("pairing a cadre who left is refused", func(t *testing.T) {
			_, err := e.svc.Pair(t.Context(), county, official, console.PairInput{CadreID: e.a.ID, HouseholdID: e.h.ID, Role: model.RoleLeader})
			if !errors.Is(err, console.ErrCadreInactive) {
				t.Fatalf("error %v", err)
			}
		})
		t.Run("returning restores no pairing", func(t *testing.T) {
			back, err := e.svc.CadreReturns(t.Context(), county, official, e.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if back.Status != model.CadreActive || back.Paired != 0 {
				t.Fatalf("after return %+v", back)
			}
		})
	})
}

// TestCadreLeavesRefusals: outside the scope is none such; a day in the
// future or before the cadre's pairings began is bad input, and nothing
// changes.
func TestCadreLeavesRefusals(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newReassignEnv(t, db)
		today := model.DateOf(time.Now().UTC())
		tests := []struct {
			name  string
			scope model.Scope
			on    model.Date
			kind  error
			code  string
		}{
			{"another county", model.RegionScope("419902"), model.Date{}, apperr.NotFound, ""},
			{"a cadre's scope", model.CadreScope(e.b.ID, "419901100201"), model.Date{}, apperr.Forbidden, ""},
			{"tomorrow", model.RegionScope("419901"), today.AddDays(1), apperr.Invalid, "invalid_on"},
			{"before the pairing began", model.RegionScope("419901"), e.pairA.StartedOn.AddDays(-1), apperr.Invalid, "invalid_on"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.CadreLeaves(t.Context(), tc.scope, official, e.a.ID, tc.on)
				var ae *apperr.Error
				if !errors.As(err, &ae) || !errors.Is(err, tc.kind) || (tc.code != "" && ae.Code != tc.code) {
					t.Fatalf("error %v, want kind %v code %q", err, tc.kind, tc.code)
				}
			})
		}
		if n := e.count(t, "cadres", "id = ? AND status = ?", e.a.ID, model.CadreActive); n != 1 {
			t.Fatal("a refused leave changed the cadre")
		}
		if n := e.count(t, "pairings", "id = ? AND ended_on IS NULL", e.pairA.ID); n != 1 {
			t.Fatal("a refused leave ended the pairing")
		}
	})
}
