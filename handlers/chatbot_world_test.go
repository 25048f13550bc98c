package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/jobs"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// botNow is the bot's "today" in these tests: 2026-09-20 10:00 in Shanghai.
var botNow = time.Date(2026, 9, 20, 2, 0, 0, 0, time.UTC)

// Official-account openids of the people in botWorld.
const (
	openidHousehold = "oHousehold00000000000000001"
	openidCadre     = "oCadre0000000000000000000001"
	openidGuest     = "oGuest0000000000000000000001"
	openidOther     = "oHousehold00000000000000002" // a household in another town
)

// Villages of botWorld, in two towns so officials' scopes differ.
const (
	villageA = "419901001001"
	villageB = "419901002001"
)

// botWorld is a county as the bot sees it: a household with a year of
// payments and a job profile, a cadre with four paired households due at
// different times, job postings, and a follower who never bound.
type botWorld struct {
	h      *harness
	cc     *wxmock.CallbackClient
	msgID  atomic.Int64
	home   model.Household
	member model.Member
	user   model.User
	cadre  model.Cadre
	other  model.Household
}

func newBotWorld(t testing.TB, db *model.DB) *botWorld {
	t.Helper()
	h := newHarness(t, db)
	h.clock.Set(botNow)
	h.payClock.Set(botNow) // the bot tells what the subsidy service sees that day
	w := &botWorld{h: h, cc: wxmock.NewCallbackClient("http://xiangbang.test/wechat/official")}
	w.cc.Now = h.clock.Now
	w.msgID.Store(24100000000000000)
	f := h.fx
	f.Region("419901000000", "示例县")
	f.Region(villageA, "青石村")
	f.Region(villageB, "河口村")

	w.home, w.member = f.Household(villageA)
	w.user = f.HouseholdUser(w.member)
	w.setOfficial(t, w.user.ID, openidHousehold)
	w.cadre = f.Cadre(villageA)
	w.setOfficial(t, f.CadreUser(w.cadre).ID, openidCadre)
	w.other, _ = f.Household(villageB)
	_, om := f.Household(villageB)
	w.setOfficial(t, f.HouseholdUser(om).ID, openidOther)

	w.payments(t)
	w.jobs(t)
	w.visits(t)
	return w
}

func (w *botWorld) setOfficial(t testing.TB, userID int64, openid string) {
	t.Helper()
	if err := w.h.db.Model(&model.User{}).Where("id = ?", userID).
		Updates(map[string]any{"official_openid": openid, "follows_official": true}).Error; err != nil {
		t.Fatal(err)
	}
}

func (w *botWorld) create(t testing.TB, v any) {
	t.Helper()
	if err := w.h.db.Create(v).Error; err != nil {
		t.Fatalf("create %T: %v", v, err)
	}
}

func day(y int, m time.Month, d int) model.Date { return model.Date{Year: y, Month: m, Day: d} }

// payments: eight months of 低保 paid, September's scheduled, 耕地地力
// overdue since June, a July 护理补贴 failed.
func (w *botWorld) payments(t testing.TB) {
	for _, it := range []model.SubsidyItem{
		{Code: "dibao", Name: "最低生活保障金", Department: "民政局", ViaCard: true, Payee: "household", Schedule: "monthly", Active: true},
		{Code: "gengdi", Name: "耕地地力保护补贴", Department: "农业农村局", ViaCard: true, Payee: "household", Schedule: "yearly", Active: true},
		{Code: "huli", Name: "重度残疾人护理补贴", Department: "残联", ViaCard: true, Payee: "member", Schedule: "monthly", Active: true},
	} {
		w.create(t, &it)
	}
	pay := func(item, period string, fen int64, due, paid model.Date, status, reason string) {
		w.create(t, &model.Payment{HouseholdID: w.home.ID, RegionCode: w.home.RegionCode, ItemCode: item, Period: period,
			AmountFen: fen, DueDate: due, PaidDate: paid, Status: status, FailureReason: reason})
	}
	for m := time.January; m <= time.August; m++ {
		pay("dibao", fmt.Sprintf("2026-%02d", m), 52000, day(2026, m, 10), day(2026, m, 12), model.PaymentPaid, "")
	}
	pay("dibao", "2026-09", 52000, day(2026, 9, 25), model.Date{}, model.PaymentScheduled, "")
	pay("gengdi", "2026", 31550, day(2026, 6, 30), model.Date{}, model.PaymentScheduled, "")
	pay("huli", "2026-07", 10000, day(2026, 7, 15), model.Date{}, model.PaymentFailed, "账户已冻结")
	pay("dibao", "2025-12", 50000, day(2025, 12, 10), day(2025, 12, 11), model.PaymentPaid, "") // last year's: not counted
}

// jobs: four open postings, one closed; the household wants park work
// paying at least 3,000 a month.
func (w *botWorld) jobs(t testing.TB) {
	job := func(kind, title, employer, region string, lo, hi int64, unit, status string, published model.Date) {
		w.create(t, &model.Job{Kind: kind, Title: title, Employer: employer, RegionCode: region, WageMinFen: lo, WageMaxFen: hi,
			WageUnit: unit, Headcount: 10, SkillTags: "[]", PhysicalDemand: "light", Benefits: "{}", Status: status,
			ValidFrom: day(2026, 9, 1), ValidUntil: day(2026, 12, 31), PublishedAt: published.Time(time.UTC)})
	}
	job("park", "食品厂包装工", "示例食品厂", "419901000000", 280000, 360000, "month", "open", day(2026, 9, 15))
	job("migrant", "电子厂普工", "深圳示例电子有限公司", "440300000000", 450000, 650000, "month", "open", day(2026, 9, 18))
	job("gig", "秋收临时工", "青石村种植合作社", villageA, 12000, 16000, "day", "open", day(2026, 9, 10))
	job("park", "叉车司机", "示例物流园", "419901000000", 400000, 520000, "month", "open", day(2026, 9, 1))
	job("park", "已招满的岗位", "示例厂", "419901000000", 400000, 520000, "month", "closed", day(2026, 9, 19))
	// Through the job board, as the mini-program saves it, so the matching engine indexes it.
	me := auth.Principal{Role: auth.RoleHousehold, UserID: w.user.ID, HouseholdID: w.home.ID, MemberID: w.member.ID}
	if _, err := w.h.jobs.SaveProfile(context.Background(), me, jobs.ProfileInput{Places: []string{"county"}, Kinds: []string{"park"},
		MinWageFen: 300000, WageUnit: "month", Capacity: "full"}); err != nil {
		t.Fatal(err)
	}
}

// visits: the cadre's household (overdue 11 days), one never visited since
// March, one due today, one 提级帮扶 household due in five days.
func (w *botWorld) visits(t testing.TB) {
	f := w.h.fx
	never, _ := f.Household(villageA)
	today, _ := f.Household(villageA)
	soon, _ := f.Household(villageA)
	if err := w.h.db.Model(&model.Household{}).Where("id = ?", soon.ID).Update("support_level", model.SupportElevated).Error; err != nil {
		t.Fatal(err)
	}
	for _, hh := range []model.Household{w.home, never, today, soon} {
		f.Pair(w.cadre, hh, model.RoleResponsible)
	}
	if err := w.h.db.Model(&model.Pairing{}).Where("cadre_id = ?", w.cadre.ID).Update("started_on", day(2026, 3, 1)).Error; err != nil {
		t.Fatal(err)
	}
	n := 0
	visit := func(hh model.Household, at model.Date) {
		n++
		when := at.Time(time.UTC).Add(2 * time.Hour) // 10:00 in Shanghai
		w.create(t, &model.Visit{ClientID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), CadreID: w.cadre.ID,
			HouseholdID: hh.ID, Revision: 1, IsCurrent: true, VisitedAt: when, ReceivedAt: when, LocationFlag: model.LocationOK,
			Findings: "{}", PhotoIDs: "[]", Confirmation: model.ConfirmPending})
	}
	visit(w.home, day(2026, 7, 1))
	visit(w.home, day(2026, 8, 10))
	visit(today, day(2026, 8, 21))
	visit(soon, day(2026, 9, 10))
}

// nextMsgID is a fresh MsgId: WeChat's are unique per message.
func (w *botWorld) nextMsgID() int64 { return w.msgID.Add(1) }

// text is a new text message from openid.
func (w *botWorld) text(openid, content string) wxmock.Push {
	return wxmock.TextPush(openid, content, w.nextMsgID())
}

// send posts p to the real router as WeChat would in mode and reads the
// reply as WeChat would (checking and decrypting it).
func (w *botWorld) send(t testing.TB, mode wxmock.Mode, p wxmock.Push) *wxmock.Reply {
	t.Helper()
	rec := w.post(t, mode, p)
	if rec.Code != 200 {
		t.Fatalf("callback answered %d: %s", rec.Code, rec.Body.String())
	}
	rep, err := w.cc.ReadReply(mode, rec.Body.Bytes())
	if err != nil {
		t.Fatalf("reply as WeChat reads it: %v (%s)", err, rec.Body.String())
	}
	if mode != wxmock.ModePlain && !rep.Success && !rep.Encrypted {
		t.Fatalf("a %s-mode message got a plaintext reply", mode)
	}
	return rep
}

func (w *botWorld) post(t testing.TB, mode wxmock.Mode, p wxmock.Push) *httptest.ResponseRecorder {
	t.Helper()
	req, err := w.cc.Request(t.Context(), mode, p)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	w.h.srv.ServeHTTP(rec, req)
	return rec
}

// conversations waits until the bot has recorded n conversations (it
// records after replying) and returns them.
func (w *botWorld) conversations(t testing.TB, n int) []model.ChatMessage {
	t.Helper()
	var rows []model.ChatMessage
	for deadline := time.Now().Add(5 * time.Second); ; {
		rows = nil
		if err := w.h.db.Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(rows) != n {
		t.Fatalf("%d conversations recorded, want %d: %+v", len(rows), n, rows)
	}
	return rows
}

// httptestRecorder serves req through the real router.
func httptestRecorder(h *harness, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	return rec
}
