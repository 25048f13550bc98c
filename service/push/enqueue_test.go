package push_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
)

// TestEnqueueReportsDuplicates: a second notice with the same dedupe key
// writes nothing and says so, on every database (MariaDB's RETURNING once
// made the duplicate look written).
func TestEnqueueReportsDuplicates(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		fx := modeltest.NewFixtures(t, db)
		u := fx.CadreUser(fx.Cadre("410122100201"))
		guestWithoutOpenid := model.User{Role: model.UserGuest}
		db.Create(&guestWithoutOpenid)
		for i, want := range []bool{true, false} {
			ok, err := push.Enqueue(ctx, db, u.ID, push.Notice{Kind: "report_status", DedupeKey: "once"})
			if err != nil || ok != want {
				t.Fatalf("Enqueue %d = %v, %v; want %v", i+1, ok, err, want)
			}
			n, err := push.EnqueueUsers(ctx, db, []push.UserNotice{
				{UserID: u.ID, Notice: push.Notice{Kind: "report_status", DedupeKey: "many-1"}},
				{UserID: u.ID, Notice: push.Notice{Kind: "report_status", DedupeKey: "many-2"}},
				{UserID: guestWithoutOpenid.ID, Notice: push.Notice{Kind: "report_status", DedupeKey: "nobody"}},
			})
			if wantN := map[bool]int{true: 2, false: 0}[want]; err != nil || n != wantN {
				t.Fatalf("EnqueueUsers %d = %d, %v; want %d", i+1, n, err, wantN)
			}
		}
		var rows int64
		db.Model(&model.OutboxMessage{}).Count(&rows)
		if rows != 3 {
			t.Fatalf("%d rows, want 3", rows)
		}
	})
}

func TestEnqueueOfficial(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		fx := modeltest.NewFixtures(t, db)
		u := fx.GuestUser()
		linked, unlinked := fx.Admin("410122100"), fx.Admin("410122100")
		db.Model(&linked).Update("wechat_user_id", u.ID)
		if ok, err := push.EnqueueOfficial(ctx, db, linked.ID, push.Notice{Kind: "payment_overdue", DedupeKey: "od"}); !ok || err != nil {
			t.Fatalf("linked official: %v, %v", ok, err)
		}
		if ok, err := push.EnqueueOfficial(ctx, db, unlinked.ID, push.Notice{Kind: "payment_overdue", DedupeKey: "od"}); ok || err != nil {
			t.Fatalf("official without WeChat: %v, %v", ok, err)
		}
		var r model.OutboxMessage
		db.Take(&r)
		if r.DedupeKey != "od:a"+itoa(int(linked.ID)) || *r.UserID != u.ID {
			t.Fatalf("row %+v", r)
		}
	})
}

func TestCoveringScopes(t *testing.T) {
	got := fmt.Sprint(push.CoveringScopes("419901100201"))
	if want := "[ 41 410000000000 4199 419900000000 419901 419901000000 419901100 419901100000 419901100201 419901100201]"; got != want {
		t.Errorf("covering: %s", got)
	}
}

// TestOfficials: only enabled officials of the given scopes with a linked
// WeChat user are picked.
func TestOfficials(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		link := func(a model.AdminUser) model.AdminUser {
			u := fx.GuestUser()
			db.Model(&a).Update("wechat_user_id", u.ID)
			return a
		}
		town, county := link(fx.Admin("419901100")), link(fx.Admin("419901000000"))
		link(fx.Admin("419902100")) // another town
		fx.Admin("419901100")       // no WeChat user
		disabled := link(fx.Admin("419901"))
		db.Model(&disabled).Update("disabled", true)
		got, err := push.Officials(context.Background(), db, push.CoveringScopes("419901100201"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != town.ID || got[1].ID != county.ID {
			t.Fatalf("officials %+v, want %d and %d", got, town.ID, county.ID)
		}
	})
}
