package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/service/demo"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/visits"
)

// TestDeniedVisitReachesTheTownOfficial goes the whole way: a cadre records
// a visit, the household denies it through the API, the outbox holds a
// notice for the town's official (linked to a WeChat user who follows the
// official account), and the push worker delivers it to wxmock as the
// visit check template. The official of another town hears nothing.
func TestDeniedVisitReachesTheTownOfficial(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		follower := func(scope string) (model.AdminUser, model.User) {
			a := w.h.fx.Admin(scope)
			u := w.h.fx.GuestUser()
			openid := fmt.Sprintf("official-openid-%d", u.ID)
			must(t, db.Model(&u).Updates(map[string]any{"official_openid": openid, "follows_official": true}).Error)
			must(t, db.Model(&a).Update("wechat_user_id", u.ID).Error)
			u.OfficialOpenid = &openid
			return a, u
		}
		town, townUser := follower("419901100")
		_, elsewhereUser := follower("419902100")

		id := w.send(t, visit(w.paired.ID)).Results[0].VisitID
		path := "/api/v1/visits/" + strconv.FormatInt(id, 10) + "/confirmation"
		for i := 0; i < 2; i++ { // the second is the same answer again: harmless, and nobody is told twice
			if r := w.h.do("POST", path, map[string]any{"confirmed": false, "note": "那天家里没人"}, w.householdTok); r.Code != 200 {
				t.Fatalf("deny %d: %d %s", i+1, r.Code, r.Body)
			}
		}
		var rows []model.OutboxMessage
		must(t, db.Where("kind = ?", visits.KindDenied).Find(&rows).Error)
		if len(rows) != 1 || *rows[0].UserID != townUser.ID || rows[0].DedupeKey != fmt.Sprintf("visit_denied:%d:a%d", id, town.ID) {
			t.Fatalf("outbox %+v, want one notice to the town official's user %d", rows, townUser.ID)
		}

		// The console's outbox shows it to the official (and the harness
		// checks the answer for unmasked numbers: the household number is
		// not an ID card).
		box := decode[console.OutboxPage](t, w.h.do("GET", "/admin/api/outbox?kind="+visits.KindDenied, nil, w.h.signInAdmin(town)))
		if len(box.Items) != 1 {
			t.Fatalf("the official's outbox shows %d denial notices, want 1", len(box.Items))
		}
		if r := box.Items[0].Recipient; r.Name != town.DisplayName || r.UserID != townUser.ID {
			t.Errorf("the notice's recipient shows as %+v, want the official %q", r, town.DisplayName)
		}

		tpl := config.DefaultPushTemplates()
		for tid, keys := range tpl.MockTemplates() {
			w.h.mock.AddTemplate(tid, keys...)
		}
		// The worker as serve builds it (quiet hours hold households' messages only).
		worker, err := push.NewWorker(push.Deps{DB: db, WeChat: w.h.wx, KV: w.h.kv, Templates: tpl,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, push.OptionsFrom(w.h.cfg))
		must(t, err)
		if _, err := worker.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range w.h.mock.Messages() {
			if m.ToUser == *elsewhereUser.OfficialOpenid {
				t.Fatalf("the other town's official got %+v", m)
			}
			if m.ToUser != *townUser.OfficialOpenid {
				continue
			}
			got = append(got, m.Data["character_string1"])
			if m.Kind != "template" || m.TemplateID != tpl.Official["visit_check"].ID || m.Data["character_string1"] != w.paired.HouseholdNo ||
				m.Data["thing2"] != "柳树村" || m.Data["thing3"] != w.cadre.Name || m.Data["thing5"] != "那天家里没人" ||
				m.MiniProgram == nil || m.MiniProgram.PagePath != fmt.Sprintf("pages/cadre/household?id=%d", w.paired.ID) {
				t.Errorf("delivered %+v", m)
			}
		}
		if len(got) != 1 {
			t.Fatalf("wxmock got %d messages for the town official, want 1", len(got))
		}
		var sent model.OutboxMessage
		must(t, db.Take(&sent, rows[0].ID).Error)
		if sent.State != model.OutboxSent {
			t.Fatalf("outbox row %s (%s)", sent.State, sent.LastError)
		}
	})
}

// TestDemoShowsTheDenialNotices: in the demo, the seeded recent denials
// are queued to the demo officials, the push worker delivers them to
// wxmock, and the console's "what WeChat received" page shows the town
// official theirs, under their name.
func TestDemoShowsTheDenialNotices(t *testing.T) {
	db := modeltest.SQLite(t)
	h := newHarness(t, db, demoMode)
	items, err := config.LoadSubsidyItems("")
	must(t, err)
	must(t, db.SyncSubsidyItems(context.Background(), model.SubsidyItemRows(items)))
	seeder, err := demo.NewSeeder(db, modeltest.Cipher(t), demo.Options{Today: model.DateOf(time.Now().In(h.cfg.Location())), Households: 300})
	must(t, err)
	_, err = seeder.Seed(context.Background())
	must(t, err)

	tpl := config.DefaultPushTemplates()
	for tid, keys := range tpl.MockTemplates() {
		h.mock.AddTemplate(tid, keys...)
	}
	worker, err := push.NewWorker(push.Deps{DB: db, WeChat: h.wx, KV: h.kv, Templates: tpl,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, push.OptionsFrom(h.cfg))
	must(t, err)
	_, err = worker.Drain(context.Background())
	must(t, err)

	var town model.AdminUser
	must(t, db.Where("username = ?", demo.DemoOfficials[1].Username).Take(&town).Error)
	var queued int64
	must(t, db.Model(&model.OutboxMessage{}).Where("kind = ? AND user_id = ?", visits.KindDenied, *town.WechatUserID).Count(&queued).Error)
	got := decode[struct {
		Items []struct {
			TemplateID string `json:"template_id"`
			Recipient  struct {
				Name string `json:"name"`
			} `json:"recipient"`
		} `json:"items"`
	}](t, h.do("GET", "/admin/api/demo/wxmock-messages?limit=500", nil, h.signInAdmin(town)))
	shown := int64(0)
	for _, m := range got.Items {
		if m.TemplateID == tpl.Official["visit_check"].ID {
			shown++
			if m.Recipient.Name != demo.DemoOfficials[1].Name {
				t.Errorf("a denial notice shown to %q", m.Recipient.Name)
			}
		}
	}
	if queued == 0 || shown != queued {
		t.Fatalf("the town official's page shows %d denial notices; %d were queued (want some, all shown)", shown, queued)
	}
}
