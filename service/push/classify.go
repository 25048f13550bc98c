package push

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/xiangbang/xiangbang/service/wechat"
)

// class is what to do after a send.
type class int

const (
	classSent      class = iota
	classRetry           // try again later, with backoff: busy, quota, timeouts, 5xx
	classTokenWait       // the token was refused even after the wrapper's refresh: try again soon
	classPermanent       // never: user refused, not following, bad openid or template
	classStopped         // the worker is stopping: give the message back untouched
)

// classify sorts a send's error (WeChat's classes from service/wechat).
// Anything unknown is retried: giving up on a message needs a reason.
func classify(ctx context.Context, err error) class {
	switch {
	case err == nil:
		return classSent
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return classStopped
	case wechat.IsPermanent(err) || errors.Is(err, wechat.ErrNotConfigured):
		return classPermanent
	case wechat.IsTokenError(err):
		return classTokenWait
	default:
		return classRetry
	}
}

// backoff is the wait before attempt n+1 after n failed attempts: base
// doubled each time up to max, with "equal jitter" (half fixed, half
// random) so a burst of failures does not come back as a burst.
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}

// tokenRetryDelay is the wait after WeChat refused a token the wrapper had
// just refreshed: another instance is replacing tokens, so a moment later
// the shared one is good.
func tokenRetryDelay() time.Duration { return time.Second + rand.N(time.Second) }
