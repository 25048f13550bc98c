package push_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
)

func TestEnqueueCadres(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		fx := modeltest.NewFixtures(t, db)
		fx.Region("419901100201", "村")
		follower, plain, unbound := fx.Cadre("419901100201"), fx.Cadre("419901100201"), fx.Cadre("419901100201")
		u := fx.CadreUser(follower)
		official := "official-openid-1"
		db.Model(&u).Updates(map[string]any{"follows_official": true, "official_openid": official})
		fx.CadreUser(plain)
		notices := []push.CadreNotice{
			{CadreID: follower.ID, Notice: push.Notice{Kind: "household_flag", DedupeKey: "flag:1:under_line:2024", Data: map[string]string{"flag": "低于监测范围"}}},
			{CadreID: plain.ID, Notice: push.Notice{Kind: "household_flag", DedupeKey: "flag:2:under_line:2024"}},
			{CadreID: unbound.ID, Notice: push.Notice{Kind: "household_flag", DedupeKey: "flag:3:under_line:2024"}},
		}
		for run, want := range []int{2, 0} { // the second run is a replay
			n, err := push.EnqueueCadres(context.Background(), db, notices)
			if err != nil || n != want {
				t.Fatalf("run %d: %d queued (%v), want %d", run, n, err, want)
			}
		}
		var rows []model.OutboxMessage
		db.Order("id").Find(&rows)
		if len(rows) != 2 || rows[0].Channel != model.ChannelTemplate || rows[0].Openid != official ||
			rows[1].Channel != model.ChannelSubscribe || rows[0].State != model.OutboxQueued {
			t.Fatalf("outbox: %+v", rows)
		}
		if rows[0].DedupeKey != "flag:1:under_line:2024:u"+strconv.FormatInt(u.ID, 10) {
			t.Fatalf("dedupe key %q is not made per user", rows[0].DedupeKey)
		}
		if _, err := push.EnqueueCadres(context.Background(), db, []push.CadreNotice{{CadreID: plain.ID}}); err == nil {
			t.Fatal("a notice without kind or key was accepted")
		}
	})
}
