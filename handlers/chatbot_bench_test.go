package handlers

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/wechat/wechattest"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// benchWorkers is how many messages are in flight at once: WeChat pushes
// a county's messages concurrently.
const benchWorkers = 16

// BenchmarkOfficialCallback pushes signed plain-mode text messages, each
// with its own MsgId, through the whole router (signature, timestamp,
// parse, dedupe, the bot's database work, reply) from 16 goroutines, and
// reports messages per second and latency percentiles. The messages are a
// bound household asking for its subsidies and for jobs, and an unbound
// follower asking something the bot does not know (recorded for
// officials). The clock stops only when every conversation is in the
// database. sdk-echo is the SDK's own callback server echoing the text, on
// the same machine in the same run: the floor to compare with.
//
//	go test -run '^$' -bench BenchmarkOfficialCallback -benchtime 20000x ./handlers/
func BenchmarkOfficialCallback(b *testing.B) {
	cc := wxmock.NewCallbackClient("http://xiangbang.test/wechat/official")
	b.Run("sdk-echo", func(b *testing.B) {
		runCallbackLoad(b, wechattest.SDKEcho(wxmock.OfficialAppID, wxmock.CallbackToken, wxmock.CallbackAESKey), cc, nil)
	})
	b.Run("xiangbang/sqlite", func(b *testing.B) { benchBot(b, modeltest.SQLite(b)) })
	b.Run("xiangbang/mariadb", func(b *testing.B) { benchBot(b, modeltest.MySQL(b)) })
}

func benchBot(b *testing.B, db *model.DB) {
	w := newBotWorld(b, db)
	w.h.clock.Set(time.Time{}) // real time: requests are stamped now
	w.h.payClock.Set(time.Time{})
	w.cc.Now = nil
	recorded := func() int64 {
		var n int64
		if err := db.Model(&model.ChatMessage{}).Count(&n).Error; err != nil {
			b.Fatal(err)
		}
		return n
	}
	base := recorded()
	runCallbackLoad(b, w.h.srv, w.cc, func(n int) {
		for recorded()-base < int64(n) {
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// benchTexts are what the load sends, in turn.
var benchTexts = []struct{ openid, text string }{
	{openidHousehold, "我的钱到了没"},
	{openidHousehold, "有啥活干"},
	{openidGuest, "村里什么时候修路"},
}

// runCallbackLoad sends b.N messages through h from benchWorkers
// goroutines; settle, when given, waits for work done after the replies.
// The requests are built and signed before the clock starts: the client's
// work is WeChat's, not ours.
func runCallbackLoad(b *testing.B, h http.Handler, cc *wxmock.CallbackClient, settle func(n int)) {
	type signed struct {
		url  string
		body []byte
	}
	reqs := make([]signed, b.N)
	msgBase := time.Now().UnixNano()
	for i := range reqs {
		m := benchTexts[i%len(benchTexts)]
		req, err := cc.Request(b.Context(), wxmock.ModePlain, wxmock.TextPush(m.openid, m.text, msgBase+int64(i)))
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = signed{req.URL.String(), body}
	}
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	for range benchWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				req := httptest.NewRequest(http.MethodPost, reqs[i].url, bytes.NewReader(reqs[i].body))
				req.Header.Set("Content-Type", "text/xml")
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				lat[i] = time.Since(t0)
				if rec.Code != http.StatusOK || rec.Body.Len() < 100 {
					b.Errorf("message %d: %d %s", i, rec.Code, rec.Body.String())
					return
				}
			}
		})
	}
	wg.Wait()
	if settle != nil {
		settle(b.N)
	}
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	// CPU time per message, of this process (the handler, the database
	// when it is SQLite, the Go runtime): unlike msgs/s it does not depend
	// on what else the machine runs.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/msg")
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
