package visits_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/visits"
)

// deniedWorld is a village with a paired household whose member answers
// visits, a cadre who follows the official account, and officials over
// the village, beside it and elsewhere.
type deniedWorld struct {
	s         *visits.Service
	db        *model.DB
	fx        *modeltest.Fixtures
	household auth.Principal
	hh        model.Household
	cadre     model.Cadre
	cadreUser model.User
	town      []model.AdminUser // the village's town, with a WeChat user (both spellings of its scope)
	others    []model.AdminUser // the county's, the whole deployment's, another town's, one without WeChat, one disabled
}

func newDeniedWorld(t *testing.T, db *model.DB) *deniedWorld {
	t.Helper()
	fx := modeltest.NewFixtures(t, db)
	w := &deniedWorld{s: newService(t, db), db: db, fx: fx}
	village := fx.Region("419901100201", "柳树村").Code
	fx.Region("419902100201", "远村")
	w.cadre = fx.Cadre(village)
	w.cadreUser = fx.CadreUser(w.cadre)
	var m model.Member
	w.hh, m = fx.Household(village)
	fx.Pair(w.cadre, w.hh, model.RoleResponsible)
	u := fx.HouseholdUser(m)
	w.household = auth.Principal{Role: auth.RoleHousehold, UserID: u.ID, HouseholdID: w.hh.ID, MemberID: m.ID, Name: m.Name}
	linked := func(scope string) model.AdminUser {
		a := fx.Admin(scope)
		g := fx.GuestUser()
		db.Model(&a).Update("wechat_user_id", g.ID)
		a.WechatUserID = &g.ID
		return a
	}
	w.town = []model.AdminUser{linked("419901100"), linked("419901100000")}
	disabled := linked("419901100")
	db.Model(&disabled).Update("disabled", true)
	w.others = []model.AdminUser{linked("419901000000"), linked(""), linked("419902100"), fx.Admin("419901100"), disabled}
	return w
}

// visit stores a pending visit of the cadre to the household, a day ago.
func (w *deniedWorld) visit(t *testing.T) model.Visit {
	t.Helper()
	at := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Millisecond)
	v := model.Visit{ClientID: fmt.Sprintf("00000000-0000-0000-0000-%012d", time.Now().UnixNano()%1e12), CadreID: w.cadre.ID,
		HouseholdID: w.hh.ID, Revision: 1, IsCurrent: true, VisitedAt: at, ReceivedAt: at, LocationFlag: model.LocationOK,
		Findings: "{}", PhotoIDs: "[]", Confirmation: model.ConfirmPending}
	if err := w.db.Create(&v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}

// denials reads the queued visit_denied rows by recipient user.
func (w *deniedWorld) denials(t *testing.T) map[int64]model.OutboxMessage {
	t.Helper()
	var rows []model.OutboxMessage
	if err := w.db.Where("kind = ?", visits.KindDenied).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[int64]model.OutboxMessage{}
	for _, r := range rows {
		if _, dup := out[*r.UserID]; dup {
			t.Fatalf("two notices to user %d", *r.UserID)
		}
		out[*r.UserID] = r
	}
	return out
}

func TestDeniedVisitTellsTheTownsOfficials(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		w := newDeniedWorld(t, db)
		v := w.visit(t)
		overdue := func() bool {
			items, err := w.s.DueForCadre(ctx, w.cadre.ID, visits.DueOverdue)
			if err != nil {
				t.Fatal(err)
			}
			return len(items) == 1 && items[0].HouseholdID == w.hh.ID
		}
		if overdue() {
			t.Fatal("overdue although visited yesterday")
		}
		note := "那天家里没人，电话13812345678，" + strings.Repeat("根本没有人来过", 20)
		if _, err := w.s.Confirm(ctx, w.household, v.ID, false, note); err != nil {
			t.Fatal(err)
		}
		// The due list ignores the denied visit (due.go): the household is
		// overdue again, as if nobody had come.
		if !overdue() {
			t.Fatal("a denied visit still counts as the household's last visit")
		}
		got := w.denials(t)
		if len(got) != len(w.town) {
			t.Fatalf("%d notices, want one to each of %d town officials", len(got), len(w.town))
		}
		for _, a := range w.town {
			r, ok := got[*a.WechatUserID]
			if !ok {
				t.Fatalf("official %d (scope %q) not told", a.ID, a.RegionScope)
			}
			if want := fmt.Sprintf("visit_denied:%d:a%d", v.ID, a.ID); r.DedupeKey != want {
				t.Errorf("dedupe key %s, want %s", r.DedupeKey, want)
			}
		}
		for _, a := range w.others {
			if a.WechatUserID != nil {
				if _, ok := got[*a.WechatUserID]; ok {
					t.Errorf("official %d (scope %q, disabled %v) told", a.ID, a.RegionScope, a.Disabled)
				}
			}
		}
		if _, ok := got[w.cadreUser.ID]; ok {
			t.Error("the cadre who recorded the visit was told: the officials decide")
		}

		// What the notice says: the household number (never an ID card), the
		// village, the cadre, the day, the note cut short, and where to look.
		var data map[string]string
		r := got[*w.town[0].WechatUserID]
		if err := json.Unmarshal([]byte(r.Payload), &data); err != nil {
			t.Fatal(err)
		}
		day := v.VisitedAt.In(time.FixedZone("CST", 8*3600))
		want := map[string]string{"household_no": w.hh.HouseholdNo, "village": "柳树村", "cadre": w.cadre.Name,
			"date": fmt.Sprintf("%d年%d月%d日", day.Year(), day.Month(), day.Day()), "household_id": fmt.Sprint(w.hh.ID)}
		for k, v := range want {
			if data[k] != v {
				t.Errorf("data[%s] = %q, want %q", k, data[k], v)
			}
		}
		if n := len([]rune(data["note"])); n != 60 || !strings.HasPrefix(data["note"], "那天家里没人，电话138****5678，") || !strings.HasSuffix(data["note"], "…") {
			t.Errorf("note %q (%d characters), want the start with the phone masked, cut to 60", data["note"], n)
		}
		if r.Page != fmt.Sprintf("pages/cadre/household?id=%d", w.hh.ID) {
			t.Errorf("page %q", r.Page)
		}

		// The same answer again is harmless and tells nobody twice.
		if _, err := w.s.Confirm(ctx, w.household, v.ID, false, note); err != nil {
			t.Fatal(err)
		}
		if n := len(w.denials(t)); n != len(w.town) {
			t.Fatalf("%d notices after the answer was repeated, want %d", n, len(w.town))
		}
		// A confirmation queues nothing for officials.
		if _, err := w.s.Confirm(ctx, w.household, w.visit(t).ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if n := len(w.denials(t)); n != len(w.town) {
			t.Fatalf("%d notices after a confirmation, want %d", n, len(w.town))
		}
	})
}

// TestNotifyDeniedOncePerVisit: queuing a visit's denial again (a retry, a
// later revision of it) adds nothing.
func TestNotifyDeniedOncePerVisit(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		w := newDeniedWorld(t, db)
		v := w.visit(t)
		v.Confirmation = model.ConfirmDenied
		loc := time.FixedZone("CST", 8*3600)
		if n, err := visits.NotifyDenied(ctx, db, loc, v); err != nil || n != len(w.town) {
			t.Fatalf("first: %d, %v", n, err)
		}
		rev := v
		rev.ID, rev.RootID, rev.Revision = v.ID+1000, &v.ID, 2
		for _, again := range []model.Visit{v, rev} {
			if n, err := visits.NotifyDenied(ctx, db, loc, again); err != nil || n != 0 {
				t.Fatalf("again (revision %d): %d, %v", again.Revision, n, err)
			}
		}
	})
}
