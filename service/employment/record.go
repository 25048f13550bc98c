package employment

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/matching"
	"github.com/xiangbang/xiangbang/service/push"
)

// JobLostKey is the active key of a household's job_lost flag: set while
// the flag stands, so it is raised once however many times work is lost.
func JobLostKey(householdID int64) string { return fmt.Sprintf("household:%d:job_lost", householdID) }

// Record writes one employment report and what follows from it, in one
// transaction: the member's status (from their latest event), the matching
// index (a worker in work gets no offers; one out of work does again), and
// on a job lost or a return home, the household's job_lost flag and a
// notice to its responsible cadres. A report already recorded changes
// nothing and comes back with Duplicate set.
func (s *Service) Record(ctx context.Context, p auth.Principal, in Input) (EventView, error) {
	if err := s.validate(&in); err != nil {
		return EventView{}, err
	}
	var v EventView
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		m, h, err := s.member(ctx, tx, p, in.MemberID)
		if err != nil {
			return err
		}
		if err := s.checkJob(ctx, tx, &in); err != nil {
			return err
		}
		key := dedupeKey(m.ID, in)
		ev := model.EmploymentEvent{MemberID: m.ID, HouseholdID: m.HouseholdID, Event: in.Event, JobID: in.JobID,
			Employer: in.Employer, Place: in.Place, OccurredOn: in.OccurredOn, ActorKind: p.ActorKind(),
			ActorID: p.ActorID(), Note: in.Note, DedupeKey: &key, CreatedAt: s.now().UTC().Truncate(time.Millisecond)}
		// A plain insert and its duplicate-key error, not ON CONFLICT DO NOTHING: on MariaDB gorm adds
		// RETURNING, which reports the existing row as affected. The failed statement alone is undone.
		err = tx.WithContext(ctx).Create(&ev).Error
		if err != nil && !model.IsDuplicate(err) {
			return err
		}
		if err != nil {
			if err := tx.WithContext(ctx).Where("dedupe_key = ?", key).Take(&ev).Error; err != nil {
				return err
			}
			v = s.view(ev, m.EmploymentStatus)
			v.Duplicate = true
			v.FlagRaised, err = s.flagStands(ctx, tx, h.ID)
			return err
		}
		status, err := s.applyStatus(ctx, tx, m)
		if err != nil {
			return err
		}
		raised := false
		switch {
		case status == model.EmploymentEmployed:
			err = s.clearJobLost(ctx, tx, h.ID)
		case ev.Event != model.EmploymentStarted && status == statusAfter[ev.Event]:
			raised = true
			err = s.raiseJobLost(ctx, tx, p, m, h, ev)
		}
		if err != nil {
			return err
		}
		// job_lost raised or (possibly) cleared: 提级帮扶 follows it now,
		// not at the nightly run.
		if raised || status == model.EmploymentEmployed {
			if _, err := s.flags.RecomputeHousehold(ctx, tx, h.ID); err != nil {
				return err
			}
		}
		if err := s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "employment.record", TargetKind: "member",
			TargetID: m.ID, RegionCode: h.RegionCode, Detail: map[string]any{
				"event": ev.Event, "occurred_on": ev.OccurredOn.String(), "from": m.EmploymentStatus, "to": status}}); err != nil {
			return err
		}
		v = s.view(ev, status)
		v.FlagRaised = raised
		if !raised && status != model.EmploymentEmployed {
			v.FlagRaised, err = s.flagStands(ctx, tx, h.ID)
		}
		return err
	})
	return v, err
}

// checkJob requires a named job to exist, and fills the employer from it.
func (s *Service) checkJob(ctx context.Context, tx *model.DB, in *Input) error {
	if in.JobID == nil {
		return nil
	}
	var j model.Job
	if err := tx.WithContext(ctx).Select("id", "employer").Take(&j, *in.JobID).Error; err != nil {
		if model.IsNotFound(err) {
			return bad("job_id", "unknown_job", "岗位不存在")
		}
		return err
	}
	if in.Employer == "" {
		in.Employer = j.Employer
	}
	return nil
}

// applyStatus sets the member's status from their latest event by date (a
// late report of an old job ending does not undo a newer start), and
// switches their job profiles in or out of matching to suit.
func (s *Service) applyStatus(ctx context.Context, tx *model.DB, m model.Member) (string, error) {
	var latest model.EmploymentEvent
	if err := tx.WithContext(ctx).Where("member_id = ?", m.ID).Order("occurred_on DESC, id DESC").Take(&latest).Error; err != nil {
		return "", err
	}
	status := statusAfter[latest.Event]
	if status != m.EmploymentStatus {
		if err := tx.WithContext(ctx).Model(&model.Member{ID: m.ID}).Update("employment_status", status).Error; err != nil {
			return "", err
		}
	}
	active := status != model.EmploymentEmployed
	var profiles []model.JobProfile
	if err := tx.WithContext(ctx).Where("member_id = ?", m.ID).Find(&profiles).Error; err != nil {
		return "", err
	}
	for _, jp := range profiles {
		if jp.Active == active {
			continue
		}
		if err := tx.WithContext(ctx).Model(&jp).Update("active", active).Error; err != nil {
			return "", err
		}
		jp.Active = active
		prof, err := matching.ProfileFrom(jp, m.BirthDate.Year)
		if err != nil {
			return "", err
		}
		if err := matching.Reindex(ctx, tx, prof); err != nil {
			return "", err
		}
	}
	return status, nil
}

// raiseJobLost raises the household's job_lost flag (once while it stands)
// and tells each responsible cadre but the one reporting.
func (s *Service) raiseJobLost(ctx context.Context, tx *model.DB, p auth.Principal, m model.Member, h model.Household, ev model.EmploymentEvent) error {
	key := JobLostKey(h.ID)
	detail := fmt.Sprintf("%s %s %s", m.Name, ev.OccurredOn, EventNames[ev.Event])
	if ev.Employer != "" {
		detail += "（" + ev.Employer + "）"
	}
	flag := model.HouseholdFlag{HouseholdID: h.ID, Flag: model.FlagJobLost, Year: ev.OccurredOn.Year,
		Detail: truncate(detail, 255), RaisedAt: s.now().UTC().Truncate(time.Millisecond), ActiveKey: &key}
	if err := tx.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&flag).Error; err != nil {
		return err
	}
	var cadres []int64
	if err := tx.WithContext(ctx).Model(&model.Pairing{}).Where("household_id = ? AND role = ? AND ended_on IS NULL",
		h.ID, model.RoleResponsible).Order("cadre_id").Pluck("cadre_id", &cadres).Error; err != nil {
		return err
	}
	for _, c := range cadres {
		if p.Role == auth.RoleCadre && p.CadreID == c {
			continue // they know: they are reporting it
		}
		_, err := push.EnqueueCadre(ctx, tx, c, push.Notice{
			Kind:      "job_lost",
			DedupeKey: fmt.Sprintf("job_lost:event:%d", ev.ID),
			Data: map[string]string{
				"title": "务工中断提醒", "household": h.HeadName + "户", "member": m.Name,
				"event": EventNames[ev.Event], "date": ev.OccurredOn.String(),
				"remark": "请及时了解情况，帮助推荐岗位（返乡回流重点监测）",
			},
			Page: fmt.Sprintf("pages/cadre/household?id=%d", h.ID),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// clearJobLost lowers the household's job_lost flag once a member is in
// work again.
func (s *Service) clearJobLost(ctx context.Context, tx *model.DB, householdID int64) error {
	return tx.WithContext(ctx).Model(&model.HouseholdFlag{}).Where("active_key = ?", JobLostKey(householdID)).
		Updates(map[string]any{"cleared_at": s.now().UTC(), "active_key": nil}).Error
}

func (s *Service) flagStands(ctx context.Context, tx *model.DB, householdID int64) (bool, error) {
	var n int64
	err := tx.WithContext(ctx).Model(&model.HouseholdFlag{}).Where("active_key = ?", JobLostKey(householdID)).Count(&n).Error
	return n > 0, err
}

func (s *Service) view(ev model.EmploymentEvent, status string) EventView {
	return EventView{ID: ev.ID, MemberID: ev.MemberID, HouseholdID: ev.HouseholdID, Event: ev.Event,
		EventName: EventNames[ev.Event], JobID: ev.JobID, Employer: ev.Employer, Place: ev.Place,
		OccurredOn: ev.OccurredOn, Note: ev.Note, RecordedBy: ev.ActorKind, CreatedAt: ev.CreatedAt.In(s.loc),
		EmploymentStatus: status}
}

func truncate(s string, n int) string {
	r := []rune(s)
	for len(string(r)) > n {
		r = r[:len(r)-1]
	}
	return string(r)
}
