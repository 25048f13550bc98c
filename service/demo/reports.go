package demo

import (
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// seedReports files a few 问题反映 on failed or overdue payments and a few
// 自主申报, at different stages, so the lists and the deadlines have
// something to show.
func (s *Seeder) seedReports(tx *model.DB, sum *Summary) error {
	var payments []model.Payment
	if err := tx.Where("status IN ?", []string{model.PaymentFailed, model.PaymentScheduled}).
		Where("due_date < ?", s.o.Today.AddDays(-10)).Order("id").Limit(12).Find(&payments).Error; err != nil {
		return err
	}
	d := s.o.Policy.Deadlines
	for i, p := range payments {
		created := s.now.Add(-time.Duration(s.between(1, 20)*24) * time.Hour)
		kind := "not_received"
		if p.Status == model.PaymentFailed {
			kind = "other"
		}
		r := model.Report{
			Type: model.ReportPayment, HouseholdID: p.HouseholdID, PaymentID: ptr(p.ID), RegionCode: p.RegionCode,
			Kind: kind, Text: fmt.Sprintf("%s 期的补贴到现在还没有到卡上，麻烦帮忙查一下。", p.Period), PhotoIDs: "[]",
			ReporterRelation: "self", Status: model.ReportOpen, AssignedCadreID: ptr(s.responsible[p.HouseholdID]),
			Department:    s.items[p.ItemCode].Department,
			FirstDeadline: s.o.Policy.AddWorkingDays(created, d.ReportAcknowledgeDays),
			FinalDeadline: s.o.Policy.AddWorkingDays(created, d.ReportResolveDays),
			CreatedAt:     created,
		}
		if i%3 == 1 {
			r.Status, r.AcknowledgedAt = model.ReportAcknowledged, ptr(created.Add(20*time.Hour))
			r.Answer = ptr("已受理，正在与银行核实发放记录。")
		}
		if i%3 == 2 {
			r.Status, r.AcknowledgedAt, r.ClosedAt = model.ReportResolved, ptr(created.Add(20*time.Hour)), ptr(created.Add(72*time.Hour))
			r.Answer = ptr("经核实，因银行卡状态异常发放失败，已协助办理新卡并重新发放。")
		} else {
			r.OpenKey = ptr(fmt.Sprintf("payment:%d", p.ID))
		}
		if err := s.createReport(tx, &r); err != nil {
			return err
		}
		sum.Reports++
	}
	kinds := []string{"illness", "accident", "job_loss", "disaster", "schooling"}
	texts := []string{"家里老人住院，医药费负担很重。", "干活时摔伤了腿，几个月不能做工。", "厂里停产，回家了，没有收入。", "暴雨把大棚冲坏了。", "孩子上大学，学费凑不齐。"}
	for i := 0; i < 5; i++ {
		h := s.households[(i*97)%len(s.households)]
		created := s.now.Add(-time.Duration(s.between(1, 12)*24) * time.Hour)
		r := model.Report{
			Type: model.ReportRisk, HouseholdID: h.ID, RegionCode: h.RegionCode, Kind: kinds[i], Text: texts[i], PhotoIDs: "[]",
			ReporterRelation: "self", Status: model.ReportOpen, AssignedCadreID: ptr(s.responsible[h.ID]),
			Department:    "乡镇",
			FirstDeadline: s.o.Policy.AddWorkingDays(created, d.RiskCheckDays),
			FinalDeadline: s.o.Policy.AddWorkingDays(created, d.RiskDecideDays),
			CreatedAt:     created,
			OpenKey:       ptr(fmt.Sprintf("risk:%d:%s", h.ID, kinds[i])),
		}
		if err := s.createReport(tx, &r); err != nil {
			return err
		}
		sum.Reports++
	}
	return nil
}

// createReport stores a report with the steps that brought it to its
// status, as the report service records them.
func (s *Seeder) createReport(tx *model.DB, r *model.Report) error {
	if err := tx.Create(r).Error; err != nil {
		return err
	}
	steps := []model.ReportEvent{{ReportID: r.ID, ToStatus: model.ReportOpen, ActorKind: "household",
		ActorName: s.household(r.HouseholdID).HeadName, Message: ptr(r.Text), CreatedAt: r.CreatedAt}}
	cadre := "帮扶干部"
	if r.AcknowledgedAt != nil {
		steps = append(steps, model.ReportEvent{ReportID: r.ID, FromStatus: model.ReportOpen, ToStatus: model.ReportAcknowledged,
			ActorKind: "cadre", ActorName: cadre, Message: ptr("已受理，正在与银行核实发放记录。"), CreatedAt: *r.AcknowledgedAt})
	}
	if r.ClosedAt != nil {
		steps = append(steps, model.ReportEvent{ReportID: r.ID, FromStatus: model.ReportAcknowledged, ToStatus: r.Status,
			ActorKind: "cadre", ActorName: cadre, Message: r.Answer, CreatedAt: *r.ClosedAt})
	}
	return tx.Create(&steps).Error
}
