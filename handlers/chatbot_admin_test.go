package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/chatbot"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

func TestUnansweredQuestions(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newBotWorld(t, db)
		sent := []struct{ openid, text string }{
			{openidGuest, "我手机13812345678，房子漏雨了谁管"}, // unbound: every official
			{openidHousehold, "村里什么时候修路"},           // town 001
			{openidOther, "河口村的桥啥时候修"},              // town 002
			{openidHousehold, "我的钱到了没"},             // answered: never listed
			{openidCadre, "明天开会吗"},                  // a cadre of town 001
		}
		for i, s := range sent {
			w.send(t, wxmock.ModePlain, w.text(s.openid, s.text))
			w.conversations(t, i+1) // recorded after the reply: keep the order
		}

		type list struct {
			Items      []chatbot.Question `json:"items"`
			NextCursor string             `json:"next_cursor"`
		}
		texts := func(l list) string {
			var out []string
			for _, q := range l.Items {
				out = append(out, q.Text)
			}
			return strings.Join(out, "|")
		}
		cases := []struct {
			name, scope, want string
		}{
			{"county sees all", "419901", "明天开会吗|河口村的桥啥时候修|村里什么时候修路|我手机138****5678，房子漏雨了谁管"},
			{"town 001", "419901001", "明天开会吗|村里什么时候修路|我手机138****5678，房子漏雨了谁管"},
			{"town 002", "419901002", "河口村的桥啥时候修|我手机138****5678，房子漏雨了谁管"},
			{"another county sees only unbound", "419902", "我手机138****5678，房子漏雨了谁管"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				token := w.h.signInAdmin(w.h.fx.Admin(c.scope))
				rec := w.h.do("GET", "/admin/api/chatbot/unanswered", nil, token)
				if rec.Code != http.StatusOK {
					t.Fatalf("%d %s", rec.Code, rec.Body.String())
				}
				got := decode[list](t, rec)
				if texts(got) != c.want {
					t.Errorf("got %s\nwant %s", texts(got), c.want)
				}
				for _, q := range got.Items {
					if q.Bound != (q.Role != model.UserGuest) || q.ReceivedAt.IsZero() || q.MsgType != "text" {
						t.Errorf("question %+v", q)
					}
				}
			})
		}
		t.Run("pages with a cursor", func(t *testing.T) {
			token := w.h.signInAdmin(w.h.fx.Admin(""))
			first := decode[list](t, w.h.do("GET", "/admin/api/chatbot/unanswered?limit=3", nil, token))
			if len(first.Items) != 3 || first.NextCursor == "" {
				t.Fatalf("first page %+v", first)
			}
			rest := decode[list](t, w.h.do("GET", "/admin/api/chatbot/unanswered?limit=3&cursor="+first.NextCursor, nil, token))
			if len(rest.Items) != 1 || rest.NextCursor != "" || rest.Items[0].ID >= first.Items[2].ID {
				t.Fatalf("second page %+v", rest)
			}
		})
		t.Run("bad input and the wrong people", func(t *testing.T) {
			admin := w.h.signInAdmin(w.h.fx.Admin(""))
			wantError(t, w.h.do("GET", "/admin/api/chatbot/unanswered?limit=0", nil, admin), 400, "invalid_limit")
			wantError(t, w.h.do("GET", "/admin/api/chatbot/unanswered?limit=abc", nil, admin), 400, "invalid_limit")
			wantError(t, w.h.do("GET", "/admin/api/chatbot/unanswered?cursor=-1", nil, admin), 400, "invalid_cursor")
			wantError(t, w.h.do("GET", "/admin/api/chatbot/unanswered", nil, ""), 401, "unauthenticated")
			wantError(t, w.h.do("GET", "/admin/api/chatbot/unanswered", nil, w.h.signInUser(w.user)), 403, "forbidden")
		})
	})
}
