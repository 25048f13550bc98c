package reminders_test

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/reminders"
	"github.com/xiangbang/xiangbang/service/scheduler"
)

// TestJobsTwiceTheSameDayQueueNothingNew runs every built-in job through
// the scheduler, then runs them all again as if the first runs had
// crashed before recording that they were done: the outbox gets nothing
// new.
func TestJobsTwiceTheSameDayQueueNothingNew(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.catalogue()
		// A minute ahead, so the payments written below changed before
		// "now" and the payment scan sees them.
		now := time.Now().Add(time.Minute).In(shanghai)
		if now.Hour() < 10 { // after every daily job's hour
			now = time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, shanghai)
		}
		today := model.DateOf(now)

		// A cadre with an unvisited household, whose payment is overdue and
		// another just paid; the town's official.
		c := e.fx.Cadre(village)
		e.fx.CadreUser(c)
		h, head := e.fx.Household(village)
		e.fx.HouseholdUser(head)
		p := e.fx.Pair(c, h, model.RoleResponsible)
		db.Model(&p).Update("started_on", today.AddDays(-100))
		e.payment(h, "dibao", "old", model.PaymentScheduled, today.AddDays(-30), nil)
		e.payment(h, "dibao", "new", model.PaymentPaid, today.AddDays(-2), func(p *model.Payment) { p.PaidDate = today })
		official := e.fx.Admin("410122100")
		u := e.fx.GuestUser()
		db.Model(&official).Update("wechat_user_id", u.ID)

		run := func(holder string) []scheduler.Outcome {
			s, err := scheduler.New(scheduler.Deps{DB: db, KV: kv.NewMemory(), Logger: quiet},
				scheduler.Options{Holder: holder, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			digest, _ := config.ParseClock("07:30")
			overdue, _ := config.ParseClock("09:00")
			if err := e.r.Register(s, reminders.Times{DigestAt: digest, OverdueAt: overdue, PaymentScan: 5 * time.Minute}); err != nil {
				t.Fatal(err)
			}
			return s.RunDue(ctx())
		}
		count := func() int64 {
			var n int64
			db.Model(&model.OutboxMessage{}).Count(&n)
			return n
		}
		first := run("first")
		queued := count()
		for _, o := range first {
			if o.Err != nil || !o.Ran {
				t.Fatalf("first run of %s: ran %v, %v", o.Job, o.Ran, o.Err)
			}
		}
		// digest 1, overdue: cadre and official 2, paid: 1.
		if queued != 4 {
			t.Fatalf("first run queued %d messages, want 4", queued)
		}
		for _, o := range run("second") {
			if o.Ran {
				t.Errorf("%s ran again for a key already done", o.Job)
			}
		}
		db.Exec("DELETE FROM scheduler_runs")
		for _, o := range run("after-a-crash") {
			if !o.Ran || o.Err != nil || o.Result.Queued != 0 {
				t.Errorf("rerun of %s: ran %v, queued %d, %v; want it to run and queue nothing", o.Job, o.Ran, o.Result.Queued, o.Err)
			}
		}
		if n := count(); n != queued {
			t.Fatalf("the outbox grew from %d to %d on a rerun", queued, n)
		}
	})
}
