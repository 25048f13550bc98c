package push_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

func TestDeadMessagesRetriedByAnOfficial(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		log, _ := audit.New(db, nil)
		ob, err := push.NewOutbox(db, log, e.clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		here := e.cadreUser() // a cadre of 410122100201
		h, m := e.fx.Household("410999100201")
		_ = h
		there := e.fx.HouseholdUser(m)
		e.follow(&there)
		e.mock.SetFault(wxmock.PathTemplateSend, wxmock.Fault{ErrCode: 40003})
		e.enqueue(here, "report_status", "here", nil)
		e.enqueue(there, "report_status", "there", nil)
		e.drain()
		if st := e.states(); st[model.OutboxDead] != 2 {
			t.Fatalf("states %v, want 2 dead", st)
		}

		town := model.RegionScope("410122100")
		list, err := ob.ListDead(ctx, town, 0, 10)
		if err != nil || len(list) != 1 || list[0].ID != e.row("here").ID || list[0].RegionCode != "410122100201" {
			t.Fatalf("dead in the town: %+v, %v", list, err)
		}
		official := audit.Actor{Kind: "official", ID: 7, Name: "乡镇干部"}
		n, err := ob.RetryDead(ctx, town, official, []int64{e.row("here").ID, e.row("there").ID})
		if err != nil || n != 1 {
			t.Fatalf("retry = %d, %v; want 1 (the other is outside the scope)", n, err)
		}
		if r := e.row("there"); r.State != model.OutboxDead {
			t.Fatal("a message outside the official's scope was retried")
		}
		r := e.row("here")
		if r.State != model.OutboxQueued || r.Attempts != 0 {
			t.Fatalf("retried: %s with %d attempts", r.State, r.Attempts)
		}
		var entries []model.AuditEntry
		db.Where("action = ?", "push.retry").Find(&entries)
		if len(entries) != 1 || entries[0].ActorID != 7 {
			t.Fatalf("audit: %+v", entries)
		}
		e.mock.ClearFaults()
		e.drain()
		if e.row("here").State != model.OutboxSent {
			t.Fatal("the retried message was not sent")
		}
		for _, s := range []model.Scope{model.HouseholdScope(h.ID), model.CadreScope(1, "410122100201"), {}} {
			if _, err := ob.ListDead(ctx, s, 0, 10); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("scope %+v listed dead messages: %v", s, err)
			}
		}
	})
}

func TestStatus(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		log, _ := audit.New(db, nil)
		ob, _ := push.NewOutbox(db, log, e.clock.Now)
		cadre, hh := e.cadreUser(), e.householdUser()
		e.enqueue(cadre, "report_status", "sent", nil)
		e.enqueue(hh, "payment_paid", "skipped", nil) // no consent
		e.drain()
		e.enqueue(cadre, "report_status", "queued", nil)
		e.clock.Advance(90 * 1e9)
		st, err := ob.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Depth[model.OutboxSent] != 1 || st.Depth[model.OutboxSkipped] != 1 || st.Depth[model.OutboxQueued] != 1 || st.Depth["held"] != 0 {
			t.Errorf("depth %v", st.Depth)
		}
		if st.OldestDue < 89e9 || st.OldestDue > 91e9 {
			t.Errorf("oldest due %s, want 90s", st.OldestDue)
		}
		if st.LastHour[model.OutboxSent] != 1 {
			t.Errorf("last hour %v", st.LastHour)
		}
	})
}
