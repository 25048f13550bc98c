package handlers

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden reply files in testdata/chatbot")

// TestBotRepliesGolden sends each intent, from bound and unbound people,
// through the real router in plain, compatible and safe mode, and compares
// the reply XML WeChat would read with testdata/chatbot/<case>.xml. The
// answers come from the database (payments, postings, visits) through the
// bot's SQL sources; -update rewrites the files.
func TestBotRepliesGolden(t *testing.T) {
	cases := []struct {
		name string
		push func(w *botWorld) wxmock.Push
	}{
		{"subsidy_household", func(w *botWorld) wxmock.Push { return w.text(openidHousehold, "我的钱到了没") }},
		{"subsidy_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "我的钱到了没") }},
		{"subsidy_cadre", func(w *botWorld) wxmock.Push { return w.text(openidCadre, "补贴") }},
		{"subsidy_voice_household", func(w *botWorld) wxmock.Push {
			return wxmock.VoicePush(openidHousehold, "我的补贴到了没有。", w.nextMsgID())
		}},
		{"subsidy_click_household", func(w *botWorld) wxmock.Push { return wxmock.EventPush(openidHousehold, "CLICK", "SUBSIDY") }},
		{"subsidy_nothing_this_year", func(w *botWorld) wxmock.Push { return w.text(openidOther, "一卡通") }},
		{"jobs_household", func(w *botWorld) wxmock.Push { return w.text(openidHousehold, "有啥活干") }},
		{"jobs_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "找工作") }},
		{"jobs_cadre", func(w *botWorld) wxmock.Push { return w.text(openidCadre, "招聘") }},
		{"visits_cadre", func(w *botWorld) wxmock.Push { return w.text(openidCadre, "今天走访哪些户") }},
		{"visits_click_cadre", func(w *botWorld) wxmock.Push { return wxmock.EventPush(openidCadre, "CLICK", "VISITS") }},
		{"visits_household", func(w *botWorld) wxmock.Push { return w.text(openidHousehold, "走访") }},
		{"visits_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "走访") }},
		{"report_household", func(w *botWorld) wxmock.Push { return w.text(openidHousehold, "我要投诉") }},
		{"report_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "反映问题") }},
		{"bind_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "怎么绑定") }},
		{"help_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "？") }},
		{"help_household", func(w *botWorld) wxmock.Push { return w.text(openidHousehold, "菜单") }},
		{"unknown_unbound", func(w *botWorld) wxmock.Push { return w.text(openidGuest, "今天天气怎么样") }},
		{"unknown_household", func(w *botWorld) wxmock.Push { return w.text(openidHousehold, "村里什么时候修路") }},
		{"voice_unclear", func(w *botWorld) wxmock.Push { return wxmock.VoicePush(openidGuest, "", w.nextMsgID()) }},
		{"image", func(w *botWorld) wxmock.Push {
			return wxmock.Push{FromUserName: openidHousehold, MsgType: "image", MsgID: w.nextMsgID()}
		}},
		{"subscribe_unbound", func(w *botWorld) wxmock.Push { return wxmock.EventPush(openidGuest, "subscribe", "") }},
		{"subscribe_household", func(w *botWorld) wxmock.Push { return wxmock.EventPush(openidHousehold, "subscribe", "") }},
	}
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newBotWorld(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				golden := filepath.Join("testdata", "chatbot", c.name+".xml")
				for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeCompatible, wxmock.ModeSafe} {
					p := c.push(w)
					p.CreateTime = w.h.clock.Now().Unix() + w.nextMsgID()%1000 // events: a new event each time
					rep := w.send(t, mode, p)
					if rep.Success {
						t.Fatalf("%s: no reply", mode)
					}
					got := append(bytes.TrimSpace(rep.XML), '\n')
					if *updateGolden && mode == wxmock.ModePlain && db.Dialect == model.SQLite {
						if err := os.WriteFile(golden, got, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (run with -update to create it)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s mode: reply differs from %s\n got: %s\nwant: %s", mode, golden, got, want)
					}
				}
			})
		}
		t.Run("unbound users never see data", func(t *testing.T) {
			for _, name := range []string{"subsidy_unbound", "visits_unbound"} {
				raw, err := os.ReadFile(filepath.Join("testdata", "chatbot", name+".xml"))
				if err != nil {
					t.Fatal(err)
				}
				s := string(raw)
				if !strings.Contains(s, "绑定方法") || strings.Contains(s, "元") || strings.Contains(s, "测试户主") {
					t.Errorf("%s: want binding instructions and no data: %s", name, s)
				}
			}
		})
	})
}

// TestBotRetries is WeChat sending one message three times (the first
// answer was too slow to reach it): one conversation is stored and every
// delivery gets the same reply, in sequence or all at once.
func TestBotRetries(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newBotWorld(t, db)
		cases := []struct {
			name     string
			push     wxmock.Push
			parallel bool
		}{
			{"text in turn", w.text(openidHousehold, "我的钱到了没"), false},
			{"text at once", w.text(openidHousehold, "有啥活干"), true},
			{"unanswered question", w.text(openidGuest, "村里什么时候通公交"), true},
			{"menu click", wxmock.EventPush(openidCadre, "CLICK", "VISITS"), false},
			{"subscribe", wxmock.EventPush(openidGuest, "subscribe", ""), true},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.push.CreateTime = botNow.Unix() + int64(i)
				for _, mode := range []wxmock.Mode{wxmock.ModePlain, wxmock.ModeSafe} {
					replies := make([][]byte, 3)
					var wg sync.WaitGroup
					for try := range 3 {
						send := func() { replies[try] = w.send(t, mode, c.push).XML }
						if c.parallel {
							wg.Go(send)
						} else {
							send()
						}
					}
					wg.Wait()
					for try := 1; try < 3; try++ {
						if !bytes.Equal(replies[try], replies[0]) {
							t.Fatalf("%s: delivery %d answered differently:\n%s\n%s", mode, try+1, replies[try], replies[0])
						}
					}
					if strings.Contains(string(replies[0]), "系统繁忙") {
						t.Fatalf("%s: answered busy: %s", mode, replies[0])
					}
				}
			})
		}
		// The safe-mode deliveries repeated the plain ones' MsgIds too:
		// still one conversation per message.
		rows := w.conversations(t, len(cases))
		keys := map[string]bool{}
		for _, r := range rows {
			keys[r.DedupeKey] = true
		}
		if len(keys) != len(cases) {
			t.Fatalf("dedupe keys %v", keys)
		}
	})
}

// TestBotConversations checks what is kept of each message: who (bound or
// not, their region), the intent, whether it was answered, and the text
// with personal numbers masked.
func TestBotConversations(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newBotWorld(t, db)
		w.send(t, wxmock.ModePlain, w.text(openidHousehold, "我的钱到了没"))
		w.conversations(t, 1)
		w.send(t, wxmock.ModeSafe, w.text(openidGuest, "我身份证410102198001011234电话13812345678，房子漏雨谁管"))
		w.conversations(t, 2)
		w.send(t, wxmock.ModePlain, wxmock.EventPush(openidCadre, "CLICK", "VISITS"))
		rows := w.conversations(t, 3)

		home, guest, click := rows[0], rows[1], rows[2]
		if !home.Bound || home.RegionCode != villageA || home.Intent != "subsidy" || !home.Answered || home.Outcome != model.ChatOK ||
			home.UserID == nil || *home.UserID != w.user.ID || home.Text != "我的钱到了没" {
			t.Errorf("household's conversation: %+v", home)
		}
		if guest.Bound || guest.RegionCode != "" || guest.Intent != "" || guest.Answered || guest.UserID == nil {
			t.Errorf("guest's conversation: %+v", guest)
		}
		if want := "我身份证4101**********1234电话138****5678，房子漏雨谁管"; guest.Text != want {
			t.Errorf("stored text %q, want %q", guest.Text, want)
		}
		if click.MsgType != "event" || click.Event != "CLICK" || click.Text != "VISITS" || click.Intent != "visits" || !click.Bound {
			t.Errorf("click's conversation: %+v", click)
		}
		// The guest's first message made them a user (guest) for later linking.
		var u model.User
		if err := db.Where("official_openid = ?", openidGuest).Take(&u).Error; err != nil || u.Role != model.UserGuest || !u.FollowsOfficial {
			t.Errorf("guest user %+v: %v", u, err)
		}
	})
}
