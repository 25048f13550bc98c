package push_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
)

func standing(list []push.Subscription) map[string]push.Subscription {
	out := map[string]push.Subscription{}
	for _, s := range list {
		out[s.TemplateKey] = s
	}
	return out
}

func TestSubscriptionsRecord(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		tpl := config.DefaultPushTemplates()
		subs, err := push.NewSubscriptions(db, tpl, nil)
		if err != nil {
			t.Fatal(err)
		}
		u := modeltest.NewFixtures(t, db).GuestUser()
		steps := []struct {
			name   string
			report push.SubscriptionReport
			want   map[string]push.Subscription // by key: remaining, long term, rejected
		}{
			{"accept two", push.SubscriptionReport{Accepted: []string{"payment", "job"}},
				map[string]push.Subscription{"payment": {Remaining: 1}, "job": {Remaining: 1}}},
			{"accept again adds one; by WeChat id too", push.SubscriptionReport{Accepted: []string{tpl.Miniapp["payment"].ID, "payment"}},
				map[string]push.Subscription{"payment": {Remaining: 2}}},
			{"reject keeps what was given", push.SubscriptionReport{Rejected: []string{"job"}},
				map[string]push.Subscription{"job": {Remaining: 1, Rejected: true}}},
			{"long term", push.SubscriptionReport{LongTerm: []string{"case"}, Accepted: []string{"case"}},
				map[string]push.Subscription{"case": {LongTerm: true}}},
			{"turning long term off", push.SubscriptionReport{Rejected: []string{"case"}},
				map[string]push.Subscription{"case": {LongTerm: false, Rejected: true}}},
			{"accept after reject", push.SubscriptionReport{Accepted: []string{"job"}},
				map[string]push.Subscription{"job": {Remaining: 2}}},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				list, err := subs.Record(ctx, u.ID, s.report)
				if err != nil {
					t.Fatal(err)
				}
				got := standing(list)
				if len(got) != len(tpl.Miniapp) {
					t.Errorf("standing lists %d templates, want every one (%d)", len(got), len(tpl.Miniapp))
				}
				for k, w := range s.want {
					g := got[k]
					if g.Remaining != w.Remaining || g.LongTerm != w.LongTerm || g.Rejected != w.Rejected || g.TemplateID != tpl.Miniapp[k].ID {
						t.Errorf("%s: %+v, want %+v", k, g, w)
					}
				}
			})
		}
	})
}

func TestSubscriptionsRefuseBadReports(t *testing.T) {
	db := modeltest.SQLite(t)
	subs, _ := push.NewSubscriptions(db, config.DefaultPushTemplates(), nil)
	u := modeltest.NewFixtures(t, db).GuestUser()
	many := make([]string, 21)
	for i := range many {
		many[i] = "payment"
	}
	tests := []struct {
		name   string
		report push.SubscriptionReport
		code   string
	}{
		{"empty", push.SubscriptionReport{}, "empty_subscription"},
		{"unknown key", push.SubscriptionReport{Accepted: []string{"lottery"}}, "unknown_template"},
		{"official template is not a subscribe one", push.SubscriptionReport{Accepted: []string{"todo"}}, "unknown_template"},
		{"accepted and rejected", push.SubscriptionReport{Accepted: []string{"job"}, Rejected: []string{"job"}}, "conflicting_subscription"},
		{"too many", push.SubscriptionReport{Accepted: many}, "too_many_templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := subs.Record(context.Background(), u.ID, tt.report)
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != tt.code || !errors.Is(err, apperr.Invalid) {
				t.Fatalf("error %v, want %s (400)", err, tt.code)
			}
		})
	}
	var n int64
	db.Model(&model.SubscriptionConsent{}).Count(&n)
	if n != 0 {
		t.Fatalf("refused reports wrote %d rows", n)
	}
}

func TestConsentCapped(t *testing.T) {
	db := modeltest.SQLite(t)
	subs, _ := push.NewSubscriptions(db, config.DefaultPushTemplates(), nil)
	u := modeltest.NewFixtures(t, db).GuestUser()
	var list []push.Subscription
	for i := 0; i < 105; i++ {
		var err error
		if list, err = subs.Record(context.Background(), u.ID, push.SubscriptionReport{Accepted: []string{"job"}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := standing(list)["job"].Remaining; got != 100 {
		t.Fatalf("remaining %d after 105 acceptances, want the cap of 100", got)
	}
}
