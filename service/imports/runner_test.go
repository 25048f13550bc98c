package imports

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/importer"
)

// waitFor polls a run until it is over.
func waitFor(t *testing.T, svc *Service, id int64) model.ImportRun {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		run, err := svc.Get(t.Context(), model.SystemScope(), id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status != model.ImportQueued && run.Status != model.ImportRunning {
			return run
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %d did not finish", id)
	return model.ImportRun{}
}

func spool(t *testing.T, r *Runner, path string) *Upload {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	up, err := r.Spool(f, filepath.Base(path), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return up
}

func TestRunner(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		*e.clock = time.Now() // heartbeats are judged against the real clock here
		r, err := NewRunner(e.svc, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		req := Request{Kind: importer.KindRegions, Scope: model.RegionScope("410122"), Actor: e.actor(), AdminID: new(int64)}

		t.Run("runs in the background and removes the upload", func(t *testing.T) {
			run, err := r.Submit(t.Context(), spool(t, r, fixture("regions_gbk_title.csv")), req)
			if err != nil || run.Status != model.ImportQueued || run.FileName != "regions_gbk_title.csv" || run.RegionScope != "410122" ||
				run.FileSHA256 == "" || run.BytesTotal == 0 {
				t.Fatalf("%+v %v", run, err)
			}
			done := waitFor(t, e.svc, run.ID)
			// The county row itself, 410122000000, is the county's own and in scope.
			if done.Status != model.ImportDone || done.RowsCreated != 8 || done.StartedAt == nil || done.FinishedAt == nil {
				t.Fatalf("%+v", done)
			}
			if left, _ := filepath.Glob(filepath.Join(e.svc.runDir(run.ID), "upload*")); len(left) != 0 {
				t.Fatalf("upload left behind: %v", left)
			}
		})

		t.Run("a file of another kind is refused at once", func(t *testing.T) {
			_, err := r.Submit(t.Context(), spool(t, r, fixture("regions_gbk_title.csv")), Request{Kind: importer.KindPayments,
				Scope: req.Scope, Actor: req.Actor})
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != "bad_import_file" || !strings.Contains(ae.Message, "补贴项目") {
				t.Fatalf("%v", err)
			}
		})

		t.Run("too large, empty", func(t *testing.T) {
			if _, err := r.Spool(strings.NewReader("代码,名称\n410122000000,测试县\n"), "a.csv", 10); err != ErrTooLarge {
				t.Fatalf("%v", err)
			}
			if _, err := r.Spool(strings.NewReader(""), "a.csv", 10); err != ErrEmptyFile {
				t.Fatalf("%v", err)
			}
			if left, _ := filepath.Glob(filepath.Join(e.svc.Dir(), "upload-*")); len(left) != 0 {
				t.Fatalf("spooled files left: %v", left)
			}
		})

		t.Run("uploads left behind by a dead process", func(t *testing.T) {
			old, fresh := spool(t, r, fixture("regions_gbk_title.csv")), spool(t, r, fixture("regions_gbk_title.csv"))
			past := time.Now().Add(-25 * time.Hour)
			os.Chtimes(old.path, past, past)
			r.removeOrphans(24 * time.Hour)
			if _, err := os.Stat(old.path); !os.IsNotExist(err) {
				t.Fatalf("old upload kept: %v", err)
			}
			if _, err := os.Stat(fresh.path); err != nil {
				t.Fatalf("fresh upload removed: %v", err)
			}
			fresh.Discard()
		})

		t.Run("queue full, then stopped", func(t *testing.T) {
			r.slots <- struct{}{} // someone else's run holds the one slot
			var queued []int64
			for range 2 { // one would run, one waits
				run, err := r.Submit(t.Context(), spool(t, r, fixture("regions_gbk_title.csv")), req)
				if err != nil {
					t.Fatal(err)
				}
				queued = append(queued, run.ID)
			}
			if _, err := r.Submit(t.Context(), spool(t, r, fixture("regions_gbk_title.csv")), req); err != ErrQueueFull {
				t.Fatalf("%v", err)
			}
			r.Stop()
			for _, id := range queued {
				run, _ := e.svc.Get(t.Context(), model.SystemScope(), id)
				if run.Status != model.ImportFailed || run.Error == nil || !strings.Contains(*run.Error, "服务停止") {
					t.Fatalf("%+v", run)
				}
			}
		})
	})
}
