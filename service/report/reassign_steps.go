package report

import (
	"context"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/push"
)

// record writes each move's step and audit entry, a few multi-row inserts
// for the lot. It also numbers the moves (move.step) for their notices.
func (r *Reassigner) record(ctx context.Context, tx *model.DB, moves []move, who audit.Actor, now time.Time) error {
	db := tx.WithContext(ctx)
	ids, cadreIDs := make([]int64, len(moves)), []int64{}
	for i, m := range moves {
		ids[i] = m.report.ID
		for _, c := range []*int64{m.report.AssignedCadreID, m.to} {
			if c != nil {
				cadreIDs = append(cadreIDs, *c)
			}
		}
	}
	var counts []struct{ ReportID, N int64 }
	if err := db.Model(&model.ReportEvent{}).Select("report_id, COUNT(*) AS n").Where("report_id IN ?", ids).
		Group("report_id").Scan(&counts).Error; err != nil {
		return err
	}
	steps := make(map[int64]int, len(counts))
	for _, c := range counts {
		steps[c.ReportID] = int(c.N)
	}
	names := map[int64]string{}
	if len(cadreIDs) > 0 {
		var rows []model.Cadre
		if err := db.Select("id", "name").Where("id IN ?", cadreIDs).Find(&rows).Error; err != nil {
			return err
		}
		for _, c := range rows {
			names[c.ID] = c.Name
		}
	}
	events := make([]model.ReportEvent, len(moves))
	entries := make([]audit.Event, len(moves))
	for i := range moves {
		m := &moves[i]
		m.step = steps[m.report.ID] + 1
		msg := moveMessage(m.report, m.to, names)
		events[i] = model.ReportEvent{ReportID: m.report.ID, FromStatus: m.report.Status, ToStatus: m.report.Status,
			ActorKind: who.Kind, ActorID: who.ID, ActorName: truncateRunes(who.Name, 64), Message: &msg, CreatedAt: now}
		entries[i] = audit.Event{Action: "report.reassign", TargetKind: "report", TargetID: m.report.ID, RegionCode: m.report.RegionCode,
			Detail: map[string]any{"household_id": m.report.HouseholdID, "from_cadre_id": m.report.AssignedCadreID, "to_cadre_id": m.to}}
	}
	if err := db.CreateInBatches(events, 500).Error; err != nil {
		return err
	}
	return r.audit.RecordBatch(ctx, tx, who, entries)
}

// moveMessage is the step's text the household and staff read. A case
// left without a cadre names its department, which answers it then.
func moveMessage(rep model.Report, to *int64, names map[int64]string) string {
	name := func(id *int64) string {
		if n := names[*id]; n != "" {
			return n
		}
		return "原帮扶干部"
	}
	next := rep.Department
	if to != nil {
		next = name(to)
	} else if next == "" {
		next = "乡镇"
	}
	if rep.AssignedCadreID == nil {
		return "帮扶责任人变更，转交 " + next
	}
	return fmt.Sprintf("帮扶责任人变更，由 %s 转交 %s", name(rep.AssignedCadreID), next)
}

// notify queues a NoticeAssigned to each new cadre's WeChat users. The
// dedupe key names the move by its step and the new cadre, so a case moved
// away and back tells the cadre again, while a rerun that moves nothing
// queues nothing.
func (r *Reassigner) notify(ctx context.Context, tx *model.DB, moves []move, now time.Time) error {
	cadreIDs := []int64{}
	for _, m := range moves {
		if m.to != nil {
			cadreIDs = append(cadreIDs, *m.to)
		}
	}
	if len(cadreIDs) == 0 {
		return nil
	}
	var users []struct{ ID, CadreID int64 }
	if err := tx.WithContext(ctx).Model(&model.User{}).Select("id, cadre_id").Where("cadre_id IN ?", cadreIDs).
		Order("id").Scan(&users).Error; err != nil {
		return err
	}
	usersOf := map[int64][]int64{}
	for _, u := range users {
		usersOf[u.CadreID] = append(usersOf[u.CadreID], u.ID)
	}
	var notices []push.UserNotice
	for _, m := range moves {
		if m.to == nil {
			continue
		}
		n := r.assignedNotice(m.report, now)
		for _, u := range usersOf[*m.to] {
			n.DedupeKey = fmt.Sprintf("report:%d:assigned:s%d:c%d:u%d", m.report.ID, m.step, *m.to, u)
			notices = append(notices, push.UserNotice{UserID: u, Notice: n})
		}
	}
	_, err := push.EnqueueUsers(ctx, tx, notices)
	return err
}

// assignedNotice tells a cadre a case has come to them, with the deadline
// that is theirs to meet next (the original one: the clock runs on).
func (r *Reassigner) assignedNotice(rep model.Report, now time.Time) push.Notice {
	kinds := PaymentKinds
	if rep.Type == model.ReportRisk {
		kinds = RiskKinds
	}
	kind, _ := kindLabel(kinds, rep.Kind)
	deadline, act := rep.FirstDeadline, "受理"
	if rep.Status == model.ReportAcknowledged {
		deadline, act = rep.FinalDeadline, "办结"
	}
	remark := "帮扶责任人变更，此事转由您办理，请在" + dayIn(deadline, r.loc) + "前" + act
	if deadline.Before(now) {
		remark = "帮扶责任人变更，此事转由您办理，已超过" + act + "期限，请尽快办理"
	}
	return push.Notice{Kind: NoticeAssigned, Page: reportPage(rep.ID),
		Data: map[string]string{"title": "转来的" + typeName(rep.Type), "kind": kind, "time": dayIn(now, r.loc),
			"deadline": dayIn(deadline, r.loc), "remark": remark}}
}
