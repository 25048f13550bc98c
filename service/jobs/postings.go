package jobs

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

var errDuplicateExternal = apperr.New(apperr.Conflict, "duplicate_external_no", "已有相同外部编号的岗位")

// ownedBy restricts q to postings an official's scope covers: those their
// office (or one under it) published, or, for rows with no publishing
// office (imports), those in their region.
func ownedBy(q *gorm.DB, scope model.Scope) *gorm.DB {
	switch scope.Kind {
	case model.ScopeSystem:
		return q
	case model.ScopeRegion:
		if scope.RegionPrefix == "" {
			return q
		}
		p := scope.RegionPrefix + "%"
		return q.Where("((jobs.owner_region <> '' AND jobs.owner_region LIKE ?) OR (jobs.owner_region = '' AND jobs.region_code LIKE ?))", p, p)
	}
	return q.Where("1 = 0")
}

// Create publishes a posting for an official; its publishing office is the
// official's region scope.
func (s *Service) Create(ctx context.Context, p auth.Principal, in JobInput) (AdminJobView, error) {
	j, tags, err := s.validateJob(ctx, in, false)
	if err != nil {
		return AdminJobView{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond) // as the database keeps it
	j.Status, j.PublishedAt, j.OwnerRegion = model.JobOpen, now, p.RegionScope
	if p.AdminID != 0 {
		j.CreatedBy = &p.AdminID
	}
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		if err := tx.WithContext(ctx).Create(&j).Error; err != nil {
			if model.IsDuplicate(err) {
				return errDuplicateExternal
			}
			return err
		}
		if err := writeTags(ctx, tx, j.ID, tags); err != nil {
			return err
		}
		if err := model.MarkJobsChanged(ctx, tx, j.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "job.create", TargetKind: "job", TargetID: j.ID,
			RegionCode: j.RegionCode, Detail: map[string]any{"title": j.Title, "employer": j.Employer, "kind": j.Kind}})
	})
	if err != nil {
		return AdminJobView{}, err
	}
	return s.adminView(ctx, j)
}

// Update replaces a posting's fields. Closed postings stay closed: publish a
// new one instead of reviving an old one people may have answered.
func (s *Service) Update(ctx context.Context, p auth.Principal, id int64, in JobInput) (AdminJobView, error) {
	next, tags, err := s.validateJob(ctx, in, true)
	if err != nil {
		return AdminJobView{}, err
	}
	var j model.Job
	err = s.db.Tx(ctx, func(tx *model.DB) error {
		var err error
		if j, err = s.ownedJob(ctx, tx, p.Scope(), id, true); err != nil {
			return err
		}
		if j.Status != model.JobOpen {
			return apperr.New(apperr.Conflict, "job_closed", "岗位已关闭，不能再修改；如需招聘请重新发布")
		}
		phone := j.ContactPhone
		if next.ContactPhone.IsSet() {
			phone = next.ContactPhone
		}
		next.ID, next.Status, next.PublishedAt, next.OwnerRegion, next.CreatedBy, next.CreatedAt =
			j.ID, j.Status, j.PublishedAt, j.OwnerRegion, j.CreatedBy, j.CreatedAt
		next.ContactPhone = phone
		if err := tx.WithContext(ctx).Model(&model.Job{ID: id}).Select("*").Omit("id", "created_at").Updates(&next).Error; err != nil {
			if model.IsDuplicate(err) {
				return errDuplicateExternal
			}
			return err
		}
		if err := tx.WithContext(ctx).Where("job_id = ?", id).Delete(&model.JobTag{}).Error; err != nil {
			return err
		}
		if err := writeTags(ctx, tx, id, tags); err != nil {
			return err
		}
		if err := model.MarkJobsChanged(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.WithContext(ctx).Take(&j, id).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "job.update", TargetKind: "job", TargetID: id,
			RegionCode: j.RegionCode, Detail: map[string]any{"title": j.Title}})
	})
	if err != nil {
		return AdminJobView{}, err
	}
	return s.adminView(ctx, j)
}

// Close takes a posting off the board. Closing a closed posting changes
// nothing and answers the same.
func (s *Service) Close(ctx context.Context, p auth.Principal, id int64) (AdminJobView, error) {
	var j model.Job
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		var err error
		if j, err = s.ownedJob(ctx, tx, p.Scope(), id, true); err != nil {
			return err
		}
		if j.Status == model.JobClosed {
			return nil
		}
		j.Status = model.JobClosed
		if err := tx.WithContext(ctx).Model(&j).Update("status", model.JobClosed).Error; err != nil {
			return err
		}
		if err := model.MarkJobsChanged(ctx, tx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, p.Actor(), audit.Event{Action: "job.close", TargetKind: "job", TargetID: id, RegionCode: j.RegionCode})
	})
	if err != nil {
		return AdminJobView{}, err
	}
	return s.adminView(ctx, j)
}

// AdminGet returns a posting the official's scope covers.
func (s *Service) AdminGet(ctx context.Context, p auth.Principal, id int64) (AdminJobView, error) {
	j, err := s.ownedJob(ctx, s.db, p.Scope(), id, false)
	if err != nil {
		return AdminJobView{}, err
	}
	return s.adminView(ctx, j)
}

// CloseExpired closes open postings whose validity has ended. Lists and
// matching already ignore them by date; this keeps the open part of the
// table (and its indexes, and the matching engine's postings in memory) the
// size of what is really open. The scheduler runs it daily.
func (s *Service) CloseExpired(ctx context.Context) (int64, error) {
	var closed int64
	err := s.db.Tx(ctx, func(tx *model.DB) error {
		var ids []int64
		q := tx.WithContext(ctx).Model(&model.Job{}).Where("status = ? AND valid_until < ?", model.JobOpen, s.today())
		if tx.Dialect == model.MySQL { // the rows first, the change counter last (MarkJobsChanged)
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
			return err
		}
		const chunk = 500
		for start := 0; start < len(ids); start += chunk {
			res := tx.WithContext(ctx).Model(&model.Job{}).Where("id IN ?", ids[start:min(start+chunk, len(ids))]).
				Updates(map[string]any{"status": model.JobClosed, "updated_at": s.now().UTC()})
			if res.Error != nil {
				return res.Error
			}
			closed += res.RowsAffected
		}
		return model.MarkJobsChanged(ctx, tx, ids...)
	})
	if err != nil {
		return 0, err
	}
	return closed, nil
}

func (s *Service) ownedJob(ctx context.Context, db *model.DB, scope model.Scope, id int64, lock bool) (model.Job, error) {
	var j model.Job
	q := ownedBy(db.WithContext(ctx).Where("jobs.id = ?", id), scope)
	if lock && db.Dialect == model.MySQL { // SQLite has one writer: the transaction is the lock
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&j).Error; err != nil {
		if model.IsNotFound(err) {
			return j, apperr.Missing("岗位")
		}
		return j, err
	}
	return j, nil
}

func writeTags(ctx context.Context, tx *model.DB, jobID int64, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	rows := make([]model.JobTag, len(tags))
	for i, t := range tags {
		rows[i] = model.JobTag{JobID: jobID, Tag: t}
	}
	return tx.WithContext(ctx).Create(&rows).Error
}
