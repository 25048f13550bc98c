package reminders_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/reminders"
)

// sameCounty matches a posting to the active job profiles of its county,
// higher for the same village: a plain stand-in for service/matching,
// which is built elsewhere, reading the same tables.
type sameCounty struct{ db *model.DB }

func (m sameCounty) MatchWorkers(ctx context.Context, jobID int64, limit int) ([]reminders.WorkerMatch, error) {
	var j model.Job
	if err := m.db.WithContext(ctx).Take(&j, jobID).Error; err != nil {
		return nil, err
	}
	var ps []model.JobProfile
	if err := m.db.WithContext(ctx).Where("active = ? AND region_code LIKE ?", true, j.RegionCode[:6]+"%").
		Order("id").Limit(limit).Find(&ps).Error; err != nil {
		return nil, err
	}
	var out []reminders.WorkerMatch
	for _, p := range ps {
		score := 50
		if p.RegionCode == j.RegionCode {
			score = 90
		}
		out = append(out, reminders.WorkerMatch{UserID: p.UserID, Score: score, Reasons: []string{"离家近"}})
	}
	return out, nil
}

func (e *env) job(title, region string, published time.Time) model.Job {
	e.t.Helper()
	j := model.Job{Kind: "park", Title: title, Employer: title + "公司", RegionCode: region, WageMinFen: 400000, WageMaxFen: 500000,
		WageUnit: "month", Headcount: 10, SkillTags: "[]", PhysicalDemand: "medium", Benefits: "{}", Status: "open",
		ValidFrom: model.DateOf(published), ValidUntil: model.DateOf(published.AddDate(0, 1, 0)), PublishedAt: published.UTC()}
	if err := e.db.Create(&j).Error; err != nil {
		e.t.Fatal(err)
	}
	return j
}

func (e *env) worker(region string) model.User {
	e.t.Helper()
	h, m := e.fx.Household(region)
	u := e.fx.HouseholdUser(m)
	p := model.JobProfile{UserID: u.ID, MemberID: &m.ID, HouseholdID: &h.ID, RegionCode: region, Skills: "[]", Places: "[]",
		Kinds: "[]", WageUnit: "month", Capacity: "full", Active: true}
	if err := e.db.Create(&p).Error; err != nil {
		e.t.Fatal(err)
	}
	return u
}

func TestJobMatchesBatchedPerWorker(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		near, far := e.worker(village), e.worker("410122200301")
		e.worker("419999100201") // another county: matches nothing
		now := time.Now()
		if n, err := e.r.JobMatches(ctx(), sameCounty{db}, now, 100); err != nil || n != 0 {
			t.Fatalf("with no postings: %d, %v", n, err)
		}
		a := e.job("电子厂普工", village, now.Add(10*time.Second))
		e.job("服装厂缝纫工", "410122200301", now.Add(20*time.Second))
		e.job("仓库搬运", "410122100202", now.Add(30*time.Second))
		later := now.Add(10 * time.Minute)
		n, err := e.r.JobMatches(ctx(), sameCounty{db}, later, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := e.queued("job_match")
		if n != 2 || len(got) != 2 {
			t.Fatalf("queued %d: %v; want one message for each of the two workers", n, keys(got))
		}
		for k, v := range got {
			switch {
			case strings.HasPrefix(k, fmt.Sprintf("job_match:u%d:", near.ID)):
				if v["job"] != a.Title || v["remark"] != "另有2个新岗位适合您" || v["wage"] != "4000-5000元/月" || v["count"] != "3" {
					t.Errorf("near worker's message %v", v)
				}
			case strings.HasPrefix(k, fmt.Sprintf("job_match:u%d:", far.ID)):
				if v["job"] != "服装厂缝纫工" {
					t.Errorf("far worker's best posting %v, want the one in their village", v)
				}
			default:
				t.Errorf("unexpected message %s", k)
			}
		}
		if n, _ := e.r.JobMatches(ctx(), sameCounty{db}, later.Add(time.Minute), 100); n != 0 {
			t.Fatalf("a second scan queued %d for the same postings", n)
		}
		// A posting published moments ago waits for the next scan (its transaction may still be open).
		e.job("新岗位", village, later.Add(2*time.Minute))
		if n, _ := e.r.JobMatches(ctx(), sameCounty{db}, later.Add(3*time.Minute), 100); n != 0 {
			t.Fatal("a posting younger than the settling time was told")
		}
		if n, _ := e.r.JobMatches(ctx(), sameCounty{db}, later.Add(5*time.Minute), 100); n != 2 {
			t.Fatalf("the settled posting queued %d, want 2", n)
		}
	})
}
