package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// eventually polls cond (the bot applies events after answering).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("not done in 5 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func outboxRow(t *testing.T, db *model.DB, userID int64, key, channel, openid, state, msgID string) model.OutboxMessage {
	t.Helper()
	row := model.OutboxMessage{DedupeKey: key, Channel: channel, Kind: "payment_paid", UserID: &userID, Openid: openid,
		TemplateKey: "payment_paid", Payload: "{}", State: state, NextAttemptAt: time.Now().UTC(), WechatMsgID: msgID}
	if err := db.Create(&row).Error; err != nil {
		t.Fatal(err)
	}
	return row
}

func TestBotEvents(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newBotWorld(t, db)
		t.Run("unsubscribe stops template pushes", func(t *testing.T) {
			queued := outboxRow(t, db, w.user.ID, "t1", model.ChannelTemplate, openidHousehold, model.OutboxQueued, "")
			sent := outboxRow(t, db, w.user.ID, "t2", model.ChannelTemplate, openidHousehold, model.OutboxSent, "2000000007")
			mini := outboxRow(t, db, w.user.ID, "t3", model.ChannelSubscribe, "mini-openid", model.OutboxQueued, "")
			rep := w.send(t, wxmock.ModeSafe, wxmock.EventPush(openidHousehold, "unsubscribe", ""))
			if !rep.Success {
				t.Fatalf("unsubscribe answered %q; WeChat shows nothing, so want success", rep.Content)
			}
			state := func(id int64) string {
				var m model.OutboxMessage
				if err := db.Take(&m, id).Error; err != nil {
					t.Fatal(err)
				}
				return m.State
			}
			eventually(t, "queued template row skipped", func() bool { return state(queued.ID) == model.OutboxSkipped })
			if state(sent.ID) != model.OutboxSent || state(mini.ID) != model.OutboxQueued {
				t.Errorf("other rows changed: sent %s, mini-program %s", state(sent.ID), state(mini.ID))
			}
			var u model.User
			if err := db.Take(&u, w.user.ID).Error; err != nil || u.FollowsOfficial {
				t.Errorf("user still follows: %+v %v", u, err)
			}
			// Following again turns template pushes back on.
			w.send(t, wxmock.ModePlain, wxmock.EventPush(openidHousehold, "subscribe", ""))
			eventually(t, "follows again", func() bool {
				var u model.User
				return db.Take(&u, w.user.ID).Error == nil && u.FollowsOfficial
			})
		})
		t.Run("delivery report recorded on the outbox row", func(t *testing.T) {
			row := outboxRow(t, db, w.user.ID, "t4", model.ChannelTemplate, openidHousehold, model.OutboxSent, "2000000042")
			for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeSafe} {
				rep := w.send(t, mode, wxmock.TemplateFinishPush(openidHousehold, 2000000042, "failed:user block"))
				if !rep.Success {
					t.Fatalf("%s: answered %q", mode, rep.Content)
				}
			}
			eventually(t, "delivery status", func() bool {
				var m model.OutboxMessage
				return db.Take(&m, row.ID).Error == nil && m.DeliveryStatus == "failed:user block"
			})
		})
		t.Run("view is recorded, not answered", func(t *testing.T) {
			var before int64
			db.Model(&model.ChatMessage{}).Count(&before)
			rep := w.send(t, wxmock.ModePlain, wxmock.EventPush(openidCadre, "VIEW", "https://xiangbang.example.cn/h5"))
			if !rep.Success {
				t.Fatalf("VIEW answered %q", rep.Content)
			}
			eventually(t, "VIEW recorded", func() bool {
				var n int64
				db.Model(&model.ChatMessage{}).Where("event = ?", "VIEW").Count(&n)
				return n == 1
			})
		})
		t.Run("a follower is linked to their mini-program user by unionid", func(t *testing.T) {
			// alice bound in the mini-program first (her unionid is known),
			// then opened an H5 page of the account, so WeChat knows her there.
			_, m := w.h.fx.Household(villageA)
			alice := w.h.fx.HouseholdUser(m)
			unionid := wxmock.UnionID("alice")
			if err := db.Model(&alice).Update("unionid", unionid).Error; err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.h.wx.OAuthExchange(t.Context(), "alice"); err != nil {
				t.Fatal(err)
			}
			openid := wxmock.OpenID(wxmock.OfficialAppID, "alice")
			rep := w.send(t, wxmock.ModePlain, wxmock.EventPush(openid, "subscribe", ""))
			if !strings.Contains(rep.Content, "「补贴」查今年补贴到账情况") || strings.Contains(rep.Content, "绑定方法") {
				t.Errorf("a bound follower should get the menu, not binding help: %s", rep.Content)
			}
			var u model.User
			if err := db.Take(&u, alice.ID).Error; err != nil || u.OfficialOpenid == nil || *u.OfficialOpenid != openid || !u.FollowsOfficial {
				t.Fatalf("alice not linked: %+v %v", u, err)
			}
			rep = w.send(t, wxmock.ModeSafe, w.text(openid, "钱到了没"))
			if !strings.Contains(rep.Content, "今年还没有查到您家的补贴发放记录") {
				t.Errorf("alice's own data expected: %s", rep.Content)
			}
		})
	})
}

// TestCallbackRefuses is what must never be answered: forged, stale,
// oversized and malformed requests get API.md's error and a log line, and
// nothing is recorded.
func TestCallbackRefuses(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newBotWorld(t, db)
		wrongKey := *w.cc
		wrongKey.AESKey = strings.Repeat("B", 43)
		forged := *w.cc
		forged.Token = "not-our-token"
		stale := *w.cc
		stale.Now = func() time.Time { return botNow.Add(-time.Hour) }
		big := strings.Repeat("钱", int(w.h.cfg.CallbackMaxBody)/3+10)
		cases := []struct {
			name   string
			req    func() (*http.Request, error)
			status int
			code   string
		}{
			{"forged signature", func() (*http.Request, error) {
				return forged.Request(t.Context(), wxmock.ModePlain, w.text(openidGuest, "补贴"))
			}, 403, "bad_signature"},
			{"forged msg_signature", func() (*http.Request, error) {
				return forged.Request(t.Context(), wxmock.ModeSafe, w.text(openidGuest, "补贴"))
			}, 403, "bad_signature"},
			{"stale timestamp", func() (*http.Request, error) {
				return stale.Request(t.Context(), wxmock.ModePlain, w.text(openidGuest, "补贴"))
			}, 403, "stale_request"},
			{"encrypted for another key", func() (*http.Request, error) {
				return wrongKey.Request(t.Context(), wxmock.ModeSafe, w.text(openidGuest, "补贴"))
			}, 400, "malformed_message"},
			{"too large", func() (*http.Request, error) {
				return w.cc.Request(t.Context(), wxmock.ModePlain, w.text(openidGuest, big))
			}, 413, "body_too_large"},
			{"too large without a length", func() (*http.Request, error) {
				r, err := w.cc.Request(t.Context(), wxmock.ModePlain, w.text(openidGuest, big))
				if err == nil {
					r.ContentLength = -1
				}
				return r, err
			}, 413, "body_too_large"},
			{"not XML", func() (*http.Request, error) {
				return w.cc.RawRequest(t.Context(), wxmock.ModePlain, []byte("<xml><ToUserName>"))
			}, 400, "malformed_message"},
			{"not XML in safe mode", func() (*http.Request, error) {
				return w.cc.RawRequest(t.Context(), wxmock.ModeSafe, []byte("钱到了没"))
			}, 400, "malformed_message"},
			{"no sender", func() (*http.Request, error) {
				return w.cc.RawRequest(t.Context(), wxmock.ModePlain, []byte("<xml><MsgType>text</MsgType><Content>补贴</Content></xml>"))
			}, 400, "malformed_message"},
			{"empty body", func() (*http.Request, error) {
				return w.cc.RawRequest(t.Context(), wxmock.ModePlain, nil)
			}, 400, "malformed_message"},
			{"verify with a forged signature", func() (*http.Request, error) {
				return forged.VerifyRequest(t.Context(), "echo123")
			}, 403, "bad_signature"},
			{"verify without echostr", func() (*http.Request, error) {
				r, err := w.cc.VerifyRequest(t.Context(), "")
				return r, err
			}, 400, "malformed_message"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req, err := c.req()
				if err != nil {
					t.Fatal(err)
				}
				rec := httptestRecorder(w.h, req)
				wantError(t, rec, c.status, c.code)
				if !strings.Contains(w.h.logBuf.String(), "wechat callback refused") {
					t.Error("a refused callback was not logged")
				}
			})
		}
		t.Run("verify answers the echostr", func(t *testing.T) {
			req, err := w.cc.VerifyRequest(t.Context(), "echo-4711")
			if err != nil {
				t.Fatal(err)
			}
			rec := httptestRecorder(w.h, req)
			if rec.Code != 200 || rec.Body.String() != "echo-4711" {
				t.Fatalf("%d %q", rec.Code, rec.Body.String())
			}
		})
		t.Run("nothing recorded", func(t *testing.T) {
			var n int64
			db.Model(&model.ChatMessage{}).Count(&n)
			if n != 0 {
				t.Fatalf("%d conversations from refused requests", n)
			}
		})
	})
}
