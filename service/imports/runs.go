package imports

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// staleAfter is how long a queued or running run may go without a
// heartbeat before it is taken for dead. Running runs beat every two
// seconds and queued ones every thirty.
const staleAfter = 2 * time.Minute

// staleReason is what a run whose process died says.
const staleReason = "导入进程意外中止（服务重启或崩溃）。已写入的行保留；重新导入同一文件即可补齐其余的行，不会重复。"

// createRun records a run.
func (s *Service) createRun(ctx context.Context, req Request, status, sha string, size int64) (model.ImportRun, error) {
	now := s.stamp()
	run := model.ImportRun{Kind: string(req.Kind), FileName: truncateName(req.FileName), FileSHA256: sha, Mode: req.Mode,
		Status: status, BytesTotal: size, AdminUserID: req.AdminID, RegionScope: scopePrefix(req.Scope), CreatedAt: now, UpdatedAt: now}
	if status == model.ImportRunning {
		run.StartedAt = &now
		run.Phase = model.PhaseChecking
	}
	err := s.db.WithContext(ctx).Create(&run).Error
	return run, err
}

// startRun moves a queued run to running.
func (s *Service) startRun(ctx context.Context, id int64) error {
	now := s.stamp()
	res := s.db.WithContext(ctx).Model(&model.ImportRun{}).Where("id = ? AND status = ?", id, model.ImportQueued).
		Updates(map[string]any{"status": model.ImportRunning, "phase": model.PhaseChecking, "started_at": now, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.New(apperr.Conflict, "import_not_queued", "这次导入已不在排队中")
	}
	return nil
}

// saveProgress writes the run's counters and phase, and so its heartbeat;
// inside a batch's transaction when tx is given, so that the counters
// match what is committed.
func (j *job) saveProgress(tx *model.DB, c Counts, rows int) error {
	if j.runID == 0 {
		return nil
	}
	if tx == nil {
		tx = j.s.db
	}
	now := j.s.stamp()
	var bytes int64
	if j.file != nil {
		bytes = j.file.done()
	}
	return tx.WithContext(context.WithoutCancel(j.ctx)).Model(&model.ImportRun{}).Where("id = ?", j.runID).Updates(map[string]any{
		"phase": j.phase, "rows_total": c.Total, "rows_done": rows, "rows_created": c.Created, "rows_updated": c.Updated,
		"rows_unchanged": c.Unchanged, "rows_rejected": c.Rejected, "bytes_done": bytes, "updated_at": now,
	}).Error
}

// finishRun records how a run ended.
func (s *Service) finishRun(ctx context.Context, id int64, res Result, rows int) error {
	now := s.stamp()
	fields := map[string]any{
		"status": res.Status, "phase": "", "rows_total": res.Total, "rows_done": rows, "rows_created": res.Created,
		"rows_updated": res.Updated, "rows_unchanged": res.Unchanged, "rows_rejected": res.Rejected,
		"report_path": res.ReportPath, "finished_at": now, "updated_at": now,
	}
	if res.Status != model.ImportFailed {
		fields["bytes_done"] = gorm.Expr("bytes_total")
	}
	if res.Error != "" {
		fields["error"] = res.Error
	}
	return s.db.WithContext(ctx).Model(&model.ImportRun{}).Where("id = ?", id).Updates(fields).Error
}

// touchQueued is a queued run's heartbeat while it waits its turn.
func (s *Service) touchQueued(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Model(&model.ImportRun{}).Where("id = ? AND status = ?", id, model.ImportQueued).
		Update("updated_at", s.stamp()).Error
}

// failRun marks a run that never got to run failed.
func (s *Service) failRun(ctx context.Context, id int64, reason string) error {
	now := s.stamp()
	return s.db.WithContext(ctx).Model(&model.ImportRun{}).Where("id = ? AND status IN ?", id, []string{model.ImportQueued, model.ImportRunning}).
		Updates(map[string]any{"status": model.ImportFailed, "phase": "", "error": reason, "finished_at": now, "updated_at": now}).Error
}

// MarkStale marks failed the runs whose process died: queued or running,
// with no heartbeat for staleAfter. The server calls it at start, and the
// run list before answering, so no run stays "running" forever. Their
// uploaded files, if still here, are removed.
func (s *Service) MarkStale(ctx context.Context) (int, error) {
	now := s.stamp()
	cutoff := now.Add(-staleAfter)
	var ids []int64
	live := []string{model.ImportQueued, model.ImportRunning}
	if err := s.db.WithContext(ctx).Model(&model.ImportRun{}).Where("status IN ? AND updated_at < ?", live, cutoff).
		Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
		return 0, err
	}
	res := s.db.WithContext(ctx).Model(&model.ImportRun{}).Where("id IN ? AND status IN ? AND updated_at < ?", ids, live, cutoff).
		Updates(map[string]any{"status": model.ImportFailed, "phase": "", "error": staleReason, "finished_at": now, "updated_at": now})
	if res.Error != nil {
		return 0, res.Error
	}
	for _, id := range ids {
		s.removeUpload(id)
	}
	if res.RowsAffected > 0 {
		s.log.Warn("import: runs without a heartbeat marked failed", "runs", ids)
	}
	return int(res.RowsAffected), nil
}

// Get returns a run the scope may see; others are not found.
func (s *Service) Get(ctx context.Context, scope model.Scope, id int64) (model.ImportRun, error) {
	if _, err := s.MarkStale(ctx); err != nil {
		return model.ImportRun{}, err
	}
	var run model.ImportRun
	err := scope.Regions(s.db.WithContext(ctx).Model(&model.ImportRun{}), "region_scope").Where("id = ?", id).Take(&run).Error
	if model.IsNotFound(err) {
		return run, apperr.Missing("导入记录")
	}
	return run, err
}

// List returns the runs the scope may see, newest first, before the
// cursor id when one is given.
func (s *Service) List(ctx context.Context, scope model.Scope, beforeID int64, limit int) ([]model.ImportRun, error) {
	if _, err := s.MarkStale(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := scope.Regions(s.db.WithContext(ctx).Model(&model.ImportRun{}), "region_scope")
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var runs []model.ImportRun
	err := q.Order("id DESC").Limit(limit).Find(&runs).Error
	return runs, err
}

// runDir is where a run's upload and report are kept.
func (s *Service) runDir(id int64) string {
	return filepath.Join(s.Dir(), formatID(id))
}

// removeUpload deletes a run's uploaded file: it holds personal numbers in
// clear and is not needed once the run is over. The report stays.
func (s *Service) removeUpload(id int64) {
	matches, _ := filepath.Glob(filepath.Join(s.runDir(id), "upload*"))
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !os.IsNotExist(err) {
			s.log.Warn("import: upload not removed", "run", id, "err", err)
		}
	}
}

func scopePrefix(s model.Scope) string {
	if s.Kind == model.ScopeRegion {
		return s.RegionPrefix
	}
	return ""
}
