package imports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/importer"
)

// Runner runs uploaded files in the background, a few at a time, for the
// admin API: the upload is answered at once with the run's id, the run
// goes on when the client has gone, and its progress is in import_runs.
// Runs wait their turn as queued (with a heartbeat, so that MarkStale can
// tell a dead process's runs from waiting ones).
type Runner struct {
	s        *Service
	slots    chan struct{}
	maxQueue int

	mu      sync.Mutex
	waiting int

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// queueBeat is how often a queued run says it is still waiting.
const queueBeat = 30 * time.Second

// NewRunner returns a runner doing at most parallel runs at once and
// keeping at most maxQueue more waiting.
func NewRunner(s *Service, parallel, maxQueue int) (*Runner, error) {
	if s == nil {
		return nil, errors.New("imports: NewRunner needs the service")
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{s: s, slots: make(chan struct{}, max(1, parallel)), maxQueue: max(0, maxQueue), ctx: ctx, cancel: cancel}, nil
}

// Service is the runner's import service.
func (r *Runner) Service() *Service { return r.s }

// Run is the runner's life beside the server: it marks the runs a previous
// process left behind failed and removes uploads it never got to queue,
// then waits for ctx to end and stops the runs still going (they are
// marked failed, saying what they kept).
func (r *Runner) Run(ctx context.Context) error {
	r.removeOrphans(24 * time.Hour)
	if n, err := r.s.MarkStale(ctx); err != nil {
		r.s.log.Warn("import: stale runs not checked", "err", err)
	} else if n > 0 {
		r.s.log.Info("import: runs left behind by a previous process marked failed", "runs", n)
	}
	<-ctx.Done()
	r.Stop()
	return nil
}

// removeOrphans deletes spooled uploads older than age: a process that died
// while a file was arriving leaves one behind. Younger ones may be another
// instance's, arriving now.
func (r *Runner) removeOrphans(age time.Duration) {
	matches, _ := filepath.Glob(filepath.Join(r.s.Dir(), "upload-*"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && time.Since(fi.ModTime()) > age {
			if err := os.Remove(m); err == nil {
				r.s.log.Info("import: removed an upload left behind", "file", filepath.Base(m))
			}
		}
	}
}

// Stop cancels the runs going and waiting, and waits for them to record
// how they ended.
func (r *Runner) Stop() {
	r.cancel()
	r.wg.Wait()
}

// Upload is an uploaded file kept on disk until its run is over.
type Upload struct {
	Name   string
	path   string
	sha256 string
	size   int64
}

// Errors of an upload.
var (
	ErrEmptyFile = apperr.BadInput("empty_file", "上传的文件是空的")
	ErrTooLarge  = apperr.New(apperr.TooLarge, "import_too_large", "文件过大，请拆分后分批导入")
	ErrQueueFull = apperr.New(apperr.TooMany, "import_queue_full", "正在进行的导入太多，请稍后再上传").WithRetryAfter(time.Minute)
)

// Spool copies an upload to disk (never into memory), hashing it as it
// goes; a file over limit bytes is refused.
func (r *Runner) Spool(body io.Reader, name string, limit int64) (*Upload, error) {
	if err := os.MkdirAll(r.s.Dir(), 0o750); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(r.s.Dir(), "upload-*")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	up := &Upload{Name: cleanFileName(name), path: f.Name(), sha256: hex.EncodeToString(h.Sum(nil)), size: n}
	switch {
	case err != nil:
		up.Discard()
		return nil, err
	case n > limit:
		up.Discard()
		return nil, ErrTooLarge
	case n == 0:
		up.Discard()
		return nil, ErrEmptyFile
	}
	return up, nil
}

// Discard removes an upload that will not be run.
func (u *Upload) Discard() { os.Remove(u.path) }

// Submit queues an uploaded file as a run of req (Kind, Mode, Scope, Actor,
// AdminID; ctx carries the request's origin for the audit log). The file's
// header is checked first, so a wrong file is refused at once rather than
// failing later. The upload belongs to the run from here on.
func (r *Runner) Submit(ctx context.Context, up *Upload, req Request) (model.ImportRun, error) {
	req.FileName, req.Path = up.Name, up.path
	if err := checkRequest(&req); err != nil {
		up.Discard()
		return model.ImportRun{}, err
	}
	if err := checkHeader(req.Kind, up.path, up.Name, r.s.items); err != nil {
		up.Discard()
		return model.ImportRun{}, err
	}
	r.mu.Lock()
	if r.waiting >= r.maxQueue+cap(r.slots) {
		r.mu.Unlock()
		up.Discard()
		return model.ImportRun{}, ErrQueueFull
	}
	r.waiting++
	r.mu.Unlock()
	run, err := r.s.createRun(ctx, req, model.ImportQueued, up.sha256, up.size)
	id := run.ID
	if err == nil {
		req.Path = filepath.Join(r.s.runDir(id), "upload"+strings.ToLower(filepath.Ext(up.Name)))
		if err = os.MkdirAll(r.s.runDir(id), 0o750); err == nil {
			err = os.Rename(up.path, req.Path)
		}
		if err != nil {
			r.s.failRun(context.WithoutCancel(ctx), id, "无法保存上传的文件")
		}
	}
	if err != nil {
		r.done()
		up.Discard()
		return model.ImportRun{}, err
	}
	req.RunID, req.OwnsFile = id, true
	r.wg.Add(1)
	go r.work(audit.WithRequest(r.ctx, audit.RequestFrom(ctx)), req)
	return run, nil
}

func (r *Runner) done() {
	r.mu.Lock()
	r.waiting--
	r.mu.Unlock()
}

// work waits for a slot, beating while it waits, then runs.
func (r *Runner) work(ctx context.Context, req Request) {
	defer r.wg.Done()
	defer r.done()
	defer r.s.removeUpload(req.RunID)
	beat := time.NewTicker(queueBeat)
	defer beat.Stop()
	for waiting := true; waiting; {
		select {
		case r.slots <- struct{}{}:
			waiting = false
		case <-beat.C:
			if err := r.s.touchQueued(ctx, req.RunID); err != nil {
				r.s.log.Warn("import: queued run heartbeat", "run", req.RunID, "err", err)
			}
		case <-ctx.Done():
			r.s.failRun(context.WithoutCancel(ctx), req.RunID, "服务停止，导入未开始；请重新上传文件")
			return
		}
	}
	defer func() { <-r.slots }()
	res, err := r.s.Run(ctx, req)
	if err != nil {
		r.s.log.Warn("import run stopped", "run", req.RunID, "kind", req.Kind, "err", err)
		return
	}
	r.s.log.Info("import run finished", "run", req.RunID, "kind", req.Kind, "status", res.Status, "total", res.Total,
		"created", res.Created, "updated", res.Updated, "unchanged", res.Unchanged, "rejected", res.Rejected, "took", res.Took)
}

// checkHeader opens a file and finds its header, so that a file of the
// wrong kind or format is refused before it is queued.
func checkHeader(kind importer.Kind, path, name string, items *importer.ItemCatalogue) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := importer.OpenReader(f, name)
	if err == nil {
		defer src.Close()
		o := importer.Options{Items: items, AllowDuplicates: true}
		switch kind {
		case importer.KindRegions:
			_, err = importer.NewRegionDecoder(src, o)
		case importer.KindHouseholds:
			_, err = importer.NewHouseholdDecoder(src, o)
		case importer.KindMembers:
			_, err = importer.NewMemberDecoder(src, o)
		case importer.KindPayments:
			_, err = importer.NewPaymentDecoder(src, o)
		case importer.KindJobs:
			_, err = importer.NewJobDecoder(src, o)
		case importer.KindCadres:
			_, err = importer.NewCadreDecoder(src, o)
		case importer.KindPairings:
			_, err = importer.NewPairingDecoder(src, o)
		}
	}
	var he *importer.HeaderError
	var fe *importer.FileError
	if errors.As(err, &he) || errors.As(err, &fe) {
		return apperr.BadInput("bad_import_file", err.Error())
	}
	return err
}

// cleanFileName keeps the base name of what the browser sent.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	return truncateName(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, name))
}
