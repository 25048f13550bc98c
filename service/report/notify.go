package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/push"
)

// Notice kinds this package queues (the push engine maps them to templates).
const (
	NoticeStatus    = "report_status"    // to the household: a step of its case
	NoticeAssigned  = "report_assigned"  // to the cadre and the department: a new case
	NoticeEscalated = "report_escalated" // to officials and the cadre: a deadline passed
)

func (s *Service) page(r model.Report) string { return reportPage(r.ID) }

func reportPage(id int64) string { return fmt.Sprintf("pages/reports/detail?id=%d", id) }

func (s *Service) day(t time.Time) string { return dayIn(t, s.o.Location) }

// dayIn says a date as people read it in notices, e.g. 12月7日.
func dayIn(t time.Time, loc *time.Location) string {
	l := t.In(loc)
	return fmt.Sprintf("%d月%d日", l.Month(), l.Day())
}

func typeName(t string) string {
	if t == model.ReportRisk {
		return "自主申报"
	}
	return "问题反映"
}

// notifyFiled tells the household its case is in, and the cadre and the
// department's officials that they have a new one.
func (s *Service) notifyFiled(ctx context.Context, tx *model.DB, r model.Report) error {
	kinds := PaymentKinds
	if r.Type == model.ReportRisk {
		kinds = RiskKinds
	}
	kind, _ := kindLabel(kinds, r.Kind)
	if _, err := push.EnqueueHousehold(ctx, tx, r.HouseholdID, push.Notice{
		Kind: NoticeStatus, DedupeKey: fmt.Sprintf("report:%d:%s", r.ID, model.ReportOpen), Page: s.page(r),
		Data: map[string]string{"title": typeName(r.Type) + "已提交", "kind": kind, "status": statusLabels[r.Type][r.Status],
			"time": s.day(r.CreatedAt), "remark": "将在" + s.day(r.FirstDeadline) + "前受理，请留意答复"},
	}); err != nil {
		return err
	}
	staff := push.Notice{
		Kind: NoticeAssigned, DedupeKey: fmt.Sprintf("report:%d:assigned", r.ID), Page: s.page(r),
		Data: map[string]string{"title": "新的" + typeName(r.Type), "kind": kind, "time": s.day(r.CreatedAt),
			"deadline": s.day(r.FirstDeadline), "remark": "请在" + s.day(r.FirstDeadline) + "前受理"},
	}
	if r.AssignedCadreID != nil {
		if _, err := push.EnqueueCadre(ctx, tx, *r.AssignedCadreID, staff); err != nil {
			return err
		}
	}
	if r.Type != model.ReportPayment || r.Department == "" {
		return nil
	}
	admins, err := push.Officials(ctx, tx, push.CoveringScopes(r.RegionCode))
	if err != nil {
		return err
	}
	for _, a := range admins {
		if !strings.Contains(a.Department, r.Department) {
			continue
		}
		n := staff
		n.DedupeKey = fmt.Sprintf("report:%d:assigned:a%d", r.ID, a.ID)
		if _, err := push.Enqueue(ctx, tx, *a.WechatUserID, n); err != nil {
			return err
		}
	}
	return nil
}

// notifyStep tells the household what happened to its case, with the answer.
func (s *Service) notifyStep(ctx context.Context, tx *model.DB, r model.Report, answer string) error {
	_, err := push.EnqueueHousehold(ctx, tx, r.HouseholdID, push.Notice{
		Kind: NoticeStatus, DedupeKey: fmt.Sprintf("report:%d:%s", r.ID, r.Status), Page: s.page(r),
		Data: map[string]string{"title": typeName(r.Type) + statusLabels[r.Type][r.Status], "status": statusLabels[r.Type][r.Status],
			"time": s.day(s.now()), "remark": truncateRunes(answer, 100)},
	})
	return err
}

// notifyEscalated tells the officials of the level, the cadre and the
// household that a case missed its deadline.
func (s *Service) notifyEscalated(ctx context.Context, tx *model.DB, r model.Report, level int, why string) error {
	base := fmt.Sprintf("report:%d:escalated:%d", r.ID, level)
	staff := push.Notice{Kind: NoticeEscalated, DedupeKey: base, Page: s.page(r),
		Data: map[string]string{"title": typeName(r.Type) + "超期未办", "status": statusLabels[r.Type][r.Status],
			"time": s.day(s.now()), "remark": why}}
	admins, err := push.Officials(ctx, tx, escalationScopes(r.RegionCode, level))
	if err != nil {
		return err
	}
	for _, a := range admins {
		n := staff
		n.DedupeKey = fmt.Sprintf("%s:a%d", base, a.ID)
		if _, err := push.Enqueue(ctx, tx, *a.WechatUserID, n); err != nil {
			return err
		}
	}
	if r.AssignedCadreID != nil {
		n := staff
		n.DedupeKey = base + ":cadre"
		if _, err := push.EnqueueCadre(ctx, tx, *r.AssignedCadreID, n); err != nil {
			return err
		}
	}
	_, err = push.EnqueueHousehold(ctx, tx, r.HouseholdID, push.Notice{Kind: NoticeStatus, DedupeKey: base, Page: s.page(r),
		Data: map[string]string{"title": "您的" + typeName(r.Type) + "已提请督办", "status": statusLabels[r.Type][r.Status],
			"time": s.day(s.now()), "remark": "办理超过了期限，已报乡镇督促办理"}})
	return err
}

// escalationScopes are the officials a late case goes to: the town's, and
// from the second level the county's too.
func escalationScopes(village string, level int) []string {
	if len(village) != 12 {
		return []string{}
	}
	out := []string{village[:9], village[:9] + "000"}
	if level >= 2 {
		out = append(out, village[:6], village[:6]+"000000")
	}
	return out
}
