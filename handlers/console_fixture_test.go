package handlers

import (
	"fmt"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// Regions of the console tests: two towns of one county, a village each.
const (
	ctCounty   = "419901000000"
	ctTownA    = "419901100000"
	ctVillageA = "419901100201"
	ctTownB    = "419901101000"
	ctVillageB = "419901101201"
)

// consoleCounty is a small county with something in every dashboard
// figure, built relative to today so it holds whatever the date.
type consoleCounty struct {
	today                  model.Date
	hA1, hA2, hB1          model.Household
	mA1                    model.Member
	cadreA, cadreB         model.Cadre
	pairA1, pairA2, pairB1 model.Pairing
	userA1, userB1         model.User
	county, townA, townB   model.AdminUser
	payments               []model.Payment
	deadA1, sentA1, deadB1 model.OutboxMessage
}

func newConsoleCounty(t *testing.T, h *harness) consoleCounty {
	t.Helper()
	f := h.fx
	items, err := config.LoadSubsidyItems("")
	must(t, err)
	must(t, h.db.SyncSubsidyItems(t.Context(), model.SubsidyItemRows(items)))
	for code, name := range map[string]string{ctCounty: "测试县", ctTownA: "甲镇", ctVillageA: "甲村", ctTownB: "乙镇", ctVillageB: "乙村"} {
		f.Region(code, name)
	}
	now := time.Now().UTC()
	cc := consoleCounty{today: model.DateOf(time.Now().In(h.cfg.Location()))}
	cc.hA1, cc.mA1 = f.Household(ctVillageA)
	cc.hA2, _ = f.Household(ctVillageA)
	cc.hB1, _ = f.Household(ctVillageB)
	must(t, h.db.Model(&cc.hA2).Updates(map[string]any{"support_level": model.SupportElevated, "class": model.ClassMonitorUnstable}).Error)
	cc.hA2.SupportLevel, cc.hA2.Class = model.SupportElevated, model.ClassMonitorUnstable
	// hA1 has a worker and nobody employed: 零就业. The others are in work.
	must(t, h.db.Model(&model.Member{}).Where("household_id IN ?", []int64{cc.hA2.ID, cc.hB1.ID}).
		Update("employment_status", model.EmploymentEmployed).Error)

	cc.cadreA, cc.cadreB = f.Cadre(ctVillageA), f.Cadre(ctVillageB)
	cc.pairA1 = f.Pair(cc.cadreA, cc.hA1, model.RoleResponsible)
	cc.pairA2 = f.Pair(cc.cadreA, cc.hA2, model.RoleResponsible)
	cc.pairB1 = f.Pair(cc.cadreB, cc.hB1, model.RoleResponsible)

	// Visits: hA1 within 30 days (covered); hA2 is elevated (15 days) and
	// was seen 20 days ago (not covered); hB1's visit was denied (not covered).
	visit := func(hh model.Household, c model.Cadre, ago time.Duration, confirmation string) {
		v := model.Visit{ClientID: fmt.Sprintf("v-%d-%d", hh.ID, ago), CadreID: c.ID, HouseholdID: hh.ID, Revision: 1, IsCurrent: true,
			VisitedAt: now.Add(-ago), ReceivedAt: now.Add(-ago), Findings: "{}", PhotoIDs: "[]", Confirmation: confirmation, LocationFlag: model.LocationOK}
		must(t, h.db.Create(&v).Error)
	}
	visit(cc.hA1, cc.cadreA, 5*24*time.Hour, model.ConfirmConfirmed)
	visit(cc.hA2, cc.cadreA, 20*24*time.Hour, model.ConfirmPending)
	visit(cc.hB1, cc.cadreB, 10*24*time.Hour, model.ConfirmDenied)

	pay := func(hh model.Household, item string, due model.Date, status string, amount int64) {
		p := model.Payment{HouseholdID: hh.ID, RegionCode: hh.RegionCode, ItemCode: item, Period: due.String(), BatchNo: fmt.Sprint(len(cc.payments)),
			AmountFen: amount, DueDate: due, Status: status}
		if status == model.PaymentPaid {
			p.PaidDate = due
		}
		must(t, h.db.Create(&p).Error)
		cc.payments = append(cc.payments, p)
	}
	pay(cc.hA1, "dibao", cc.today.AddDays(-30), model.PaymentScheduled, 50000) // overdue
	pay(cc.hA1, "dibao", cc.today.AddDays(-60), model.PaymentPaid, 50000)
	pay(cc.hA1, "dibao", cc.today.AddDays(-2), model.PaymentScheduled, 50000) // within the grace days: scheduled
	pay(cc.hA2, "dibao", cc.today.AddDays(-40), model.PaymentFailed, 30000)
	pay(cc.hB1, "dibao", cc.today.AddDays(-20), model.PaymentScheduled, 70000) // overdue
	pay(cc.hB1, "dibao", cc.today.AddDays(-50), model.PaymentReturned, 70000)

	flag := func(hh model.Household, name string, cleared bool) {
		key := fmt.Sprintf("%d:%s", hh.ID, name)
		fl := model.HouseholdFlag{HouseholdID: hh.ID, Flag: name, RaisedAt: now, ActiveKey: &key}
		if cleared {
			fl.ClearedAt, fl.ActiveKey = &now, nil
		}
		must(t, h.db.Create(&fl).Error)
	}
	flag(cc.hA1, model.FlagUnderLine, false)
	flag(cc.hA2, model.FlagIncomeFell, true)
	flag(cc.hB1, model.FlagJobLost, false)
	vkey := "v:" + ctVillageA
	must(t, h.db.Create(&model.VillageFlag{RegionCode: ctVillageA, Flag: model.FlagPriorityVillage, Year: cc.today.Year - 1,
		Detail: "监测户占比 3.4%", RaisedAt: now, ActiveKey: &vkey}).Error)

	report := func(hh model.Household, status string, age time.Duration, finalIn time.Duration) {
		r := model.Report{Type: model.ReportPayment, HouseholdID: hh.ID, RegionCode: hh.RegionCode, Kind: "not_received", Text: "没收到",
			PhotoIDs: "[]", Status: status, FirstDeadline: now.Add(finalIn / 2), FinalDeadline: now.Add(finalIn), CreatedAt: now.Add(-age)}
		must(t, h.db.Create(&r).Error)
	}
	report(cc.hA1, model.ReportOpen, 24*time.Hour, 10*24*time.Hour)
	report(cc.hB1, model.ReportAcknowledged, 10*24*time.Hour, -24*time.Hour) // late
	report(cc.hA2, model.ReportResolved, 30*24*time.Hour, -20*24*time.Hour)

	job := func(title, status string, until model.Date, region string) {
		j := model.Job{Kind: "workshop", Title: title, Employer: "示例车间", RegionCode: region, WageMinFen: 300000, WageMaxFen: 400000,
			WageUnit: "month", Headcount: 5, Filled: 1, SkillTags: "[]", Benefits: "{}", Status: status,
			ValidFrom: cc.today.AddDays(-30), ValidUntil: until, PublishedAt: now}
		must(t, h.db.Create(&j).Error)
	}
	job("缝纫工", "open", cc.today.AddDays(30), ctVillageA)
	job("包装工", "open", cc.today.AddDays(30), "440300000000")
	job("采摘工", "closed", cc.today.AddDays(30), ctVillageB)
	job("搬运工", "open", cc.today.AddDays(-1), ctVillageB) // expired

	cc.userA1 = f.HouseholdUser(cc.mA1)
	var mB1 model.Member
	must(t, h.db.Where("household_id = ?", cc.hB1.ID).First(&mB1).Error)
	cc.userB1 = f.HouseholdUser(mB1)
	outbox := func(u model.User, state, key string) model.OutboxMessage {
		m := model.OutboxMessage{DedupeKey: key, Channel: model.ChannelSubscribe, Kind: "payment_overdue", UserID: &u.ID, Openid: *u.MiniappOpenid,
			TemplateKey: "payment_overdue", Payload: `{"title":"低保"}`, State: state, Attempts: 5, NextAttemptAt: now, LastError: "43101 user refuse"}
		if state == model.OutboxSent {
			m.Attempts, m.LastError, m.SentAt = 1, "", &now
		}
		must(t, h.db.Create(&m).Error)
		return m
	}
	cc.deadA1 = outbox(cc.userA1, model.OutboxDead, "a1-dead")
	cc.sentA1 = outbox(cc.userA1, model.OutboxSent, "a1-sent")
	cc.deadB1 = outbox(cc.userB1, model.OutboxDead, "b1-dead")

	cc.county, cc.townA, cc.townB = f.Admin("419901"), f.Admin("419901100"), f.Admin("419901101")
	return cc
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
