package risk

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/pairing"
)

// PlanInput is an income plan (增收计划, 一户一策) as a paired cadre writes it:
// the measures, who answers for them, the per-capita income aimed at, and
// when it is reviewed.
type PlanInput struct {
	Measures    string `json:"measures"`
	Responsible string `json:"responsible"`
	TargetFen   int64  `json:"target_fen"`  // per-capita net income aimed at, fen per person per year
	ReviewDate  string `json:"review_date"` // YYYY-MM-DD
}

// PlanResult is the stored plan, whether it was new, and the household's
// flags after it.
type PlanResult struct {
	Plan    PlanView   `json:"plan"`
	Created bool       `json:"created"`
	Flags   []FlagView `json:"flags"`
}

func (s *Service) checkPlan(in *PlanInput) (model.Date, error) {
	in.Measures, in.Responsible = strings.TrimSpace(in.Measures), strings.TrimSpace(in.Responsible)
	today := s.today()
	review, dateErr := model.ParseDate(in.ReviewDate)
	switch {
	case in.Measures == "" || utf8.RuneCountInString(in.Measures) > 2000:
		return review, apperr.BadInput("invalid_measures", "请填写帮扶增收措施（2000 字以内）")
	case in.Responsible == "" || utf8.RuneCountInString(in.Responsible) > 64:
		return review, apperr.BadInput("invalid_responsible", "请填写责任人（64 字以内）")
	case in.TargetFen <= 0 || in.TargetFen > maxPartFen:
		return review, apperr.BadInput("invalid_target", "请填写增收目标：人均纯收入，单位为分")
	case dateErr != nil || review.Before(today) || today.AddDays(731).Before(review):
		return review, apperr.BadInput("invalid_review_date", "复核日期应为今天起两年内的日期（YYYY-MM-DD）")
	}
	return review, nil
}

// RecordPlan stores a new income plan for a paired household (earlier
// plans are kept; the latest stands). Sending the same plan again changes
// nothing. A plan can clear 需提级帮扶, so flags are recomputed in the same
// transaction.
func (s *Service) RecordPlan(ctx context.Context, p auth.Principal, householdID int64, in PlanInput) (PlanResult, error) {
	review, err := s.checkPlan(&in)
	if err != nil {
		return PlanResult{}, err
	}
	h, err := pairing.Writable(ctx, s.db, s.audit, p, householdID, "income_plan.refused_out_of_scope", nil)
	if err != nil {
		return PlanResult{}, err
	}
	plan := model.IncomePlan{HouseholdID: h.ID, Measures: in.Measures, Responsible: in.Responsible, TargetFen: in.TargetFen,
		ReviewDate: review, ActorKind: p.ActorKind(), ActorID: p.ActorID()}
	var out PlanResult
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		var last model.IncomePlan
		err := tx.WithContext(ctx).Where("household_id = ?", h.ID).Order("id DESC").Take(&last).Error
		if err == nil && last.Measures == plan.Measures && last.Responsible == plan.Responsible &&
			last.TargetFen == plan.TargetFen && last.ReviewDate == plan.ReviewDate {
			out = PlanResult{Plan: PlanViewOf(last, s.loc)}
			return nil
		}
		if err != nil && !model.IsNotFound(err) {
			return err
		}
		if err := tx.WithContext(ctx).Create(&plan).Error; err != nil {
			return err
		}
		sum, err := s.RecomputeHousehold(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "income_plan.create", TargetKind: "household",
			TargetID: h.ID, RegionCode: h.RegionCode, Detail: map[string]any{"plan_id": plan.ID,
				"flags_raised": changed(sum.Raised), "flags_cleared": changed(sum.Cleared)}}); err != nil {
			return err
		}
		out = PlanResult{Plan: PlanViewOf(plan, s.loc), Created: true}
		return nil
	})
	if err != nil {
		return PlanResult{}, err
	}
	flags, err := ActiveFlags(ctx, s.db, s.loc, []int64{h.ID})
	out.Flags = nonNil(flags[h.ID])
	return out, err
}
