package handlers

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
)

type subscriptionsBody struct {
	Items []push.Subscription `json:"items"`
}

func byKey(b subscriptionsBody) map[string]push.Subscription {
	out := map[string]push.Subscription{}
	for _, s := range b.Items {
		out[s.TemplateKey] = s
	}
	return out
}

func TestSubscriptions(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		h := newHarness(t, db)
		_, m := h.fx.Household(testVillage)
		token := h.signInUser(h.fx.HouseholdUser(m))

		w := h.do("GET", "/api/v1/subscriptions", nil, token)
		if w.Code != 200 {
			t.Fatalf("GET: %d %s", w.Code, w.Body)
		}
		list := byKey(decode[subscriptionsBody](t, w))
		if list["payment"].TemplateID == "" || list["payment"].Remaining != 0 {
			t.Fatalf("templates before any consent: %+v", list)
		}
		paymentID := list["payment"].TemplateID

		w = h.do("POST", "/api/v1/subscriptions", map[string]any{"accepted": []string{paymentID, "job"}, "rejected": []string{"case"}}, token)
		if w.Code != 200 {
			t.Fatalf("POST: %d %s", w.Code, w.Body)
		}
		got := byKey(decode[subscriptionsBody](t, w))
		if got["payment"].Remaining != 1 || got["job"].Remaining != 1 || !got["case"].Rejected {
			t.Fatalf("after the report: %+v", got)
		}
		w = h.do("POST", "/api/v1/subscriptions", map[string]any{"long_term": []string{"payment"}}, token)
		if got := byKey(decode[subscriptionsBody](t, w)); !got["payment"].LongTerm || got["payment"].Remaining != 1 {
			t.Fatalf("after long term: %+v", got)
		}

		tests := []struct {
			name   string
			body   any
			status int
			code   string
		}{
			{"empty", map[string]any{}, 400, "empty_subscription"},
			{"unknown template", map[string]any{"accepted": []string{"lottery"}}, 400, "unknown_template"},
			{"accepted and rejected", map[string]any{"accepted": []string{"job"}, "rejected": []string{"job"}}, 400, "conflicting_subscription"},
			{"wrong type", `{"accepted": "payment"}`, 400, "invalid_field"},
			{"not JSON", `{accepted`, 400, "invalid_json"},
			{"an array, not an object", `["job"]`, 400, "invalid_body"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, h.do("POST", "/api/v1/subscriptions", tt.body, token), tt.status, tt.code)
			})
		}
		wantError(t, h.do("POST", "/api/v1/subscriptions", map[string]any{"accepted": []string{"job"}}, ""), 401, "unauthenticated")
		official := h.signInAdmin(h.fx.Admin("41"))
		wantError(t, h.do("POST", "/api/v1/subscriptions", map[string]any{"accepted": []string{"job"}}, official), 403, "forbidden")

		guest := h.signInUser(h.fx.GuestUser())
		w = h.do("POST", "/api/v1/subscriptions", map[string]any{"accepted": []string{"job"}}, guest)
		if w.Code != 200 || byKey(decode[subscriptionsBody](t, w))["payment"].Remaining != 0 {
			t.Fatalf("a guest's report, or another user's consents showing: %d %s", w.Code, w.Body)
		}
	})
}
