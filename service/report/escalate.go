package report

import (
	"context"
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
)

// Escalation levels: a case that missed its first deadline (受理 / 村级核实)
// goes to the town's officials; one that missed its final deadline (办结 /
// 研判) to the county's as well.
const (
	LevelFirstMissed = 1
	LevelFinalMissed = 2
)

const escalateBatch = 200

// EscalateOverdue raises every still-open case whose deadline passed before
// now to the level it has reached, records the step, and notifies the
// officials, the cadre and the household, each change in its own short
// transaction. It is idempotent: a case already at its level is left
// alone, so running it twice (or on two instances at once) escalates and
// notifies once. The scheduler calls it; it returns how many cases it
// escalated.
func (s *Service) EscalateOverdue(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Millisecond)
	escalated := 0
	var after int64
	for {
		var batch []model.Report
		err := s.db.WithContext(ctx).
			Where("status IN ? AND escalation_level < ? AND id > ?", activeStatuses, LevelFinalMissed, after).
			Where("((status = ? AND first_deadline < ?) OR final_deadline < ?)", model.ReportOpen, now, now).
			Order("id").Limit(escalateBatch).Find(&batch).Error
		if err != nil {
			return escalated, err
		}
		for _, r := range batch {
			after = r.ID
			ok, err := s.escalate(ctx, r, now)
			if err != nil {
				return escalated, fmt.Errorf("report: escalate %d: %w", r.ID, err)
			}
			if ok {
				escalated++
			}
		}
		if len(batch) < escalateBatch {
			return escalated, nil
		}
	}
}

// levelDue is the escalation level a case has reached at now.
func levelDue(r model.Report, now time.Time) int {
	switch {
	case r.FinalDeadline.Before(now):
		return LevelFinalMissed
	case r.Status == model.ReportOpen && r.FirstDeadline.Before(now):
		return LevelFirstMissed
	}
	return 0
}

func (s *Service) escalate(ctx context.Context, r model.Report, now time.Time) (bool, error) {
	level := levelDue(r, now)
	if level <= r.EscalationLevel {
		return false, nil
	}
	why := fmt.Sprintf("超过受理期限（%s）仍未受理，已报乡镇督办", s.day(r.FirstDeadline))
	if r.Type == model.ReportRisk {
		why = fmt.Sprintf("超过村级核实期限（%s）仍未核实，已报乡镇督办", s.day(r.FirstDeadline))
	}
	if level == LevelFinalMissed {
		why = fmt.Sprintf("超过办结期限（%s）仍未办结，已报乡镇和县督办", s.day(r.FinalDeadline))
		if r.Type == model.ReportRisk {
			why = fmt.Sprintf("超过研判认定期限（%s）仍未认定，已报乡镇和县督办", s.day(r.FinalDeadline))
		}
	}
	done := false
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		// Conditional on the level and status: a second run, or a cadre
		// answering meanwhile, makes this a no-op.
		res := tx.WithContext(ctx).Model(&model.Report{}).
			Where("id = ? AND escalation_level < ? AND status IN ?", r.ID, level, activeStatuses).
			Updates(map[string]any{"escalation_level": level, "escalated_at": now, "updated_at": now})
		if res.Error != nil || res.RowsAffected != 1 {
			return res.Error
		}
		done = true
		r.EscalationLevel, r.EscalatedAt = level, &now
		if err := s.step(ctx, tx, r.ID, r.Status, r.Status, audit.System, why, now); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.System, audit.Event{Action: "report.escalate", TargetKind: "report",
			TargetID: r.ID, RegionCode: r.RegionCode, Detail: map[string]any{"level": level}}); err != nil {
			return err
		}
		return s.notifyEscalated(ctx, tx, r, level, why)
	})
	return done && err == nil, err
}
