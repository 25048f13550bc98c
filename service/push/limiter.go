package push

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/xiangbang/xiangbang/service/kv"
)

// limiter keeps sends per WeChat app under a rate shared by every instance:
// a token bucket in the kv store (Redis when configured). To spare a round
// trip per message it takes tokens in small chunks (a fiftieth of a
// second's worth) and hands them out locally. If the store fails it falls
// back to a bucket of its own rather than stop sending.
type limiter struct {
	store    kv.Store
	fallback kv.Store
	rate     float64
	burst    int
	chunk    int
	log      *slog.Logger

	mu    sync.Mutex
	local map[string]int
}

func newLimiter(store kv.Store, rate float64, log *slog.Logger) *limiter {
	return &limiter{store: store, fallback: kv.NewMemory(), rate: rate, burst: max(1, int(rate)),
		chunk: max(1, int(rate/50)), log: log, local: map[string]int{}}
}

// wait returns when a send to app may go, or ctx's error.
func (l *limiter) wait(ctx context.Context, app string) error {
	key := "push:rate:" + app
	for {
		l.mu.Lock()
		if l.local[app] > 0 {
			l.local[app]--
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		got, wait, err := l.store.TakeTokens(ctx, key, l.rate, l.burst, l.chunk)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.log.Warn("push: shared rate limit unavailable; limiting this instance alone", "err", err)
			got, wait, _ = l.fallback.TakeTokens(ctx, key, l.rate, l.burst, l.chunk)
		}
		if got > 0 {
			l.mu.Lock()
			l.local[app] += got - 1
			l.mu.Unlock()
			return nil
		}
		t := time.NewTimer(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
