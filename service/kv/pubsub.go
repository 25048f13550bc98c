package kv

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// Listener receives what Listen hears. Up is called each time the
// subscription is (re)established: messages sent while it was down are
// lost, so a listener that keeps state drops it there. Down is called when
// the subscription is lost.
type Listener struct {
	Up      func()
	Down    func()
	Message func(payload []byte)
}

// Publish sends a message to every instance listening on channel. Like
// MGet, it is not part of Store: only Redis is shared between instances.
func (r *Redis) Publish(ctx context.Context, channel string, payload []byte) error {
	return r.c.Publish(ctx, r.prefix+channel, payload).Err()
}

// listenPing is how long a quiet subscription waits before it checks the
// connection with a PING.
const listenPing = 10 * time.Second

// Listen subscribes to channel and calls l until ctx ends, reconnecting
// (with backoff) whenever the connection fails.
func (r *Redis) Listen(ctx context.Context, channel string, l Listener) error {
	ps := r.c.Subscribe(ctx, r.prefix+channel)
	defer ps.Close()
	// A receive waits on the socket, not on ctx: closing unblocks it.
	stop := context.AfterFunc(ctx, func() { ps.Close() })
	defer stop()
	up := false
	down := func() {
		if up {
			up = false
			l.Down()
		}
	}
	backoff := 100 * time.Millisecond
	for {
		msg, err := ps.ReceiveTimeout(ctx, listenPing)
		if ctx.Err() != nil {
			down()
			return ctx.Err()
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if err := ps.Ping(ctx); err != nil {
					down()
				}
				continue
			}
			down() // the next receive reconnects and subscribes again
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				up = true
				l.Up()
			}
		case *redis.Message:
			if up {
				l.Message([]byte(m.Payload))
			}
		}
	}
}
