package model_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

func newJob(t *testing.T, db *model.DB, title string) int64 {
	t.Helper()
	now := time.Now().UTC()
	j := model.Job{Kind: "gig", Title: title, Employer: "单位", RegionCode: "419901100201", WageMinFen: 1, WageMaxFen: 2,
		WageUnit: "day", Headcount: 1, SkillTags: "[]", Benefits: "{}", Status: model.JobOpen, ValidFrom: model.DateOf(now),
		ValidUntil: model.DateOf(now.AddDate(0, 1, 0)), PublishedAt: now}
	if err := db.Create(&j).Error; err != nil {
		t.Fatal(err)
	}
	return j.ID
}

func changeSeqs(t *testing.T, db *model.DB, ids ...int64) map[int64]int64 {
	t.Helper()
	var rows []model.Job
	if err := db.Select("id", "change_seq").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.ID] = r.ChangeSeq
	}
	return out
}

func TestMarkJobsChanged(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		a, b := newJob(t, db, "甲"), newJob(t, db, "乙")
		if v, err := model.JobsVersion(ctx, db); err != nil || v != 0 {
			t.Fatalf("fresh version %d, %v", v, err)
		}
		if got := changeSeqs(t, db, a, b); got[a] != 0 || got[b] != 0 {
			t.Fatalf("unstamped rows carry %v", got)
		}

		t.Run("stamps in the caller's transaction", func(t *testing.T) {
			if err := db.Tx(ctx, func(tx *model.DB) error { return model.MarkJobsChanged(ctx, tx, a, b) }); err != nil {
				t.Fatal(err)
			}
			if err := model.MarkJobsChanged(ctx, db, b); err != nil { // no transaction: it takes its own
				t.Fatal(err)
			}
			if v, _ := model.JobsVersion(ctx, db); v != 2 {
				t.Fatalf("version %d, want 2", v)
			}
			if got := changeSeqs(t, db, a, b); got[a] != 1 || got[b] != 2 {
				t.Fatalf("stamps %v, want a 1, b 2", got)
			}
		})

		t.Run("a rolled-back change leaves no trace", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.Tx(ctx, func(tx *model.DB) error {
				if err := model.MarkJobsChanged(ctx, tx, a); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if v, _ := model.JobsVersion(ctx, db); v != 2 {
				t.Fatalf("version %d after a rollback, want 2", v)
			}
			if got := changeSeqs(t, db, a); got[a] != 1 {
				t.Fatalf("stamp %d after a rollback, want 1", got[a])
			}
		})

		t.Run("an emptied counter table heals", func(t *testing.T) {
			if err := db.Exec("DELETE FROM change_counters").Error; err != nil {
				t.Fatal(err)
			}
			if v, err := model.JobsVersion(ctx, db); err != nil || v != 0 {
				t.Fatalf("version of a missing row %d, %v", v, err)
			}
			if err := model.MarkJobsChanged(ctx, db, a); err != nil {
				t.Fatal(err)
			}
			if v, _ := model.JobsVersion(ctx, db); v != 1 {
				t.Fatalf("version %d, want 1", v)
			}
		})

		t.Run("writers at once get distinct values", func(t *testing.T) {
			before, _ := model.JobsVersion(ctx, db)
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				wg.Go(func() {
					errs <- db.Tx(ctx, func(tx *model.DB) error { return model.MarkJobsChanged(ctx, tx, a) })
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if v, _ := model.JobsVersion(ctx, db); v != before+8 {
				t.Fatalf("version %d after 8 writers from %d", v, before)
			}
			if got := changeSeqs(t, db, a); got[a] != before+8 {
				t.Fatalf("stamp %d, want the last writer's %d", got[a], before+8)
			}
		})
	})
}
