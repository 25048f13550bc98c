package imports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/importer"
)

// Errors of a request that cannot start.
var (
	ErrKind = apperr.BadInput("invalid_kind", "导入类型只能是 regions、households、members、payments、jobs、cadres 或 pairings")
	ErrMode = apperr.BadInput("invalid_mode", "导入方式只能是 all（有错行则全部不导入）或 keep_good（导入正确的行）")
)

// Run imports one file: it checks every row, writes what may be written
// and reports the rest (see the package comment for the two passes). The
// error is nil when the run got to its end, rejected rows or not; a run
// that stopped (an unreadable file, a database failure, ctx cancelled)
// returns the error, and its Result says why in Chinese.
func (s *Service) Run(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	if err := checkRequest(&req); err != nil {
		return Result{Status: model.ImportFailed}, err
	}
	j := &job{ctx: ctx, s: s, req: req, runID: req.RunID, today: s.today(), lk: newLookups(ctx, s.db, s.cipher),
		extra: map[string]int{}, stmts: map[string]*sql.Stmt{}}
	defer j.closeStatements()
	if !req.DryRun {
		var err error
		if req.RunID == 0 {
			sha, size, herr := hashFile(req.Path)
			if herr != nil {
				return Result{Status: model.ImportFailed, Error: "无法读取文件"}, &importer.FileError{Reason: "无法读取文件", Err: herr}
			}
			var run model.ImportRun
			run, err = s.createRun(ctx, req, model.ImportRunning, sha, size)
			j.runID = run.ID
		} else {
			err = s.startRun(ctx, req.RunID)
		}
		if err != nil {
			return Result{Status: model.ImportFailed}, err
		}
	}
	j.report = newReportSink(s.reportPath(j))
	res, runErr := j.run()
	res.RunID, res.Took = j.runID, time.Since(start)
	if err := j.report.close(); err != nil && runErr == nil {
		runErr = err
	}
	res.ReportPath = j.report.written()
	if runErr != nil {
		res.Status, res.Error = model.ImportFailed, j.explain(runErr)
	}
	if req.OwnsFile {
		if err := os.Remove(req.Path); err != nil && !os.IsNotExist(err) {
			s.log.Warn("import: upload not removed", "run", j.runID, "err", err)
		}
	}
	if !req.DryRun {
		done := context.WithoutCancel(ctx)
		if err := s.finishRun(done, j.runID, res, j.rows); err != nil {
			return res, errors.Join(runErr, err)
		}
		if err := s.audit.Record(done, nil, req.Actor, summary(j, res)); err != nil {
			return res, errors.Join(runErr, err)
		}
	}
	return res, runErr
}

func checkRequest(req *Request) error {
	if _, err := importer.SpecFor(req.Kind); err != nil {
		return ErrKind
	}
	switch req.Mode {
	case "":
		req.Mode = model.ImportAllOrNothing
	case model.ImportAllOrNothing, model.ImportKeepGood:
	default:
		return ErrMode
	}
	if req.FileName == "" {
		req.FileName = filepath.Base(req.Path)
	}
	if req.Scope.Kind != model.ScopeSystem && req.Scope.Kind != model.ScopeRegion {
		return apperr.New(apperr.Forbidden, "forbidden", "只有管理人员可以导入数据")
	}
	if req.Actor.Kind == "" {
		return errors.New("imports: Request.Actor is required")
	}
	return nil
}

// run does the passes.
func (j *job) run() (Result, error) {
	res := Result{Status: model.ImportDone}
	if err := j.lk.loadRegions(); err != nil {
		return res, err
	}
	checkFirst := j.req.Mode == model.ImportAllOrNothing || j.req.DryRun
	if checkFirst {
		j.phase, j.write = model.PhaseChecking, false
		start := time.Now()
		err := j.pass()
		res.Checking = time.Since(start)
		j.counts.Total = j.rows
		res.Counts = j.counts
		switch {
		case err != nil:
			return res, err
		case j.counts.Rejected > 0 && j.req.Mode == model.ImportAllOrNothing:
			res.Status = model.ImportRejected
			return res, nil
		case j.req.DryRun: // keep_good, or nothing rejected: the rows would go in
			return res, nil
		}
		j.strict = true
	}
	j.phase, j.write, j.rows = model.PhaseWriting, true, 0
	start := time.Now()
	err := j.pass()
	res.Writing = time.Since(start)
	if !checkFirst {
		j.counts.Total = j.rows
	}
	res.Counts = j.counts
	return res, err
}

// pass runs one pass of the kind's writer.
func (j *job) pass() error {
	switch j.req.Kind {
	case importer.KindRegions:
		return drive[importer.RegionRow, regionItem](j, &regionWriter{j: j})
	case importer.KindHouseholds:
		return drive[importer.HouseholdRow, householdItem](j, &householdWriter{j: j})
	case importer.KindMembers:
		return drive[importer.MemberRow, memberItem](j, &memberWriter{j: j})
	case importer.KindPayments:
		return drive[importer.PaymentRow, paymentItem](j, &paymentWriter{j: j})
	case importer.KindJobs:
		return drive[importer.JobRow, jobItem](j, &jobWriter{j: j})
	case importer.KindCadres:
		return drive[importer.CadreRow, cadreItem](j, &cadreWriter{j: j})
	case importer.KindPairings:
		return drive[importer.PairingRow, pairingItem](j, &pairingWriter{j: j})
	}
	return ErrKind
}

func (j *job) fileName() string { return j.req.FileName }

// explain says in Chinese why a run stopped, and what of it is kept.
func (j *job) explain(err error) string {
	written := j.counts.Created+j.counts.Updated > 0
	kept := "未写入任何数据。"
	if written {
		kept = "已写入的行保留；重新导入同一文件即可补齐其余的行，不会重复。"
	}
	var he *importer.HeaderError
	var fe *importer.FileError
	var ch *errChanged
	switch {
	case errors.As(err, &he), errors.As(err, &fe):
		return err.Error()
	case errors.As(err, &ch):
		return "校验通过后，数据库中的数据发生了变化，导入中止：" + ch.Error() + "。" + kept
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "导入被中止（服务停止或命令被中断）。" + kept
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	j.s.log.Error("import failed", "run", j.runID, "kind", j.req.Kind, "phase", j.phase, "row", j.rows, "err", err)
	return "读写数据库时出错，导入中止。" + kept
}

// summary is the run's one audit entry: creations are counted here rather
// than audited one by one.
func summary(j *job, res Result) audit.Event {
	return audit.Event{Action: "import.run", TargetKind: "import_run", TargetID: j.runID, RegionCode: scopePrefix(j.req.Scope),
		Detail: map[string]any{"kind": j.req.Kind, "file_name": j.req.FileName, "mode": j.req.Mode, "status": res.Status,
			"rows_total": res.Total, "rows_created": res.Created, "rows_updated": res.Updated, "rows_unchanged": res.Unchanged,
			"rows_rejected": res.Rejected, "also": j.extra}}
}

// reportPath is where the run's CSV report goes.
func (s *Service) reportPath(j *job) string {
	switch {
	case j.req.ReportPath != "":
		return j.req.ReportPath
	case j.runID != 0:
		return filepath.Join(s.runDir(j.runID), "report.csv")
	}
	return filepath.Join(s.Dir(), fmt.Sprintf("dry-run-%s.csv", time.Now().Format("20060102-150405.000")))
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// truncateName keeps a file name within the column, whole characters only.
func truncateName(s string) string {
	for len(s) > 255 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
