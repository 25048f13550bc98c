package push_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// BenchmarkWorkerSends measures one worker's Run loop sending queued
// template messages to wxmock (in process, over loopback HTTP) with the
// rate limit set far above what it reaches. One op is one message; the
// sends/s metric is the throughput.
//
//	go test -run '^$' -bench WorkerSends -benchtime 5000x ./service/push/
func BenchmarkWorkerSends(b *testing.B) {
	dbs := map[string]func(testing.TB) *model.DB{"sqlite": modeltest.SQLite, "mariadb": modeltest.MySQL}
	for _, name := range []string{"sqlite", "mariadb"} {
		b.Run(name, func(b *testing.B) {
			db := dbs[name](b)
			e := newBenchEnv(b, db)
			users := make([]model.User, 200)
			for i := range users {
				users[i] = e.fx.CadreUser(e.fx.Cadre("410122100201"))
				openid := fmt.Sprintf("off-%d", users[i].ID)
				db.Model(&users[i]).Updates(map[string]any{"official_openid": openid, "follows_official": true})
			}
			var notices []push.UserNotice
			for i := 0; i < b.N; i++ {
				notices = append(notices, push.UserNotice{UserID: users[i%len(users)].ID, Notice: push.Notice{
					Kind: "report_status", DedupeKey: fmt.Sprintf("bench-%d", i),
					Data: map[string]string{"title": "问题反映已受理", "status": "已受理", "remark": "请留意答复"}}})
			}
			if _, err := push.EnqueueUsers(context.Background(), db, notices); err != nil {
				b.Fatal(err)
			}
			w := e.worker("bench")
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			b.ResetTimer()
			start := time.Now()
			go func() { done <- w.Run(ctx) }()
			for {
				var sent int64
				db.Model(&model.OutboxMessage{}).Where("state = ?", model.OutboxSent).Count(&sent)
				if sent >= int64(b.N) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			took := time.Since(start)
			b.StopTimer()
			cancel()
			<-done
			b.ReportMetric(float64(b.N)/took.Seconds(), "sends/s")
			if got := len(e.mock.Messages()); got != b.N {
				b.Fatalf("wxmock got %d messages, want %d", got, b.N)
			}
		})
	}
}

// newBenchEnv is newEnv for benchmarks: real time, no quiet hours, a rate
// limit far above the throughput.
func newBenchEnv(b *testing.B, db *model.DB) *env {
	return newEnv(b, db, func(o *push.Options, _ *wechat.Options) {
		o.AppRate, o.Concurrency, o.Batch, o.Poll = 1000000, 32, 200, 10*time.Millisecond
		o.QuietHours.Set = false
		o.Now = time.Now
	})
}
