package kv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
)

func TestRedisPublishListen(t *testing.T) {
	r := kvtest.Redis(t)
	other := kv.NewRedis(r.Client(), r.Prefix()+"other:") // another deployment sharing the Redis
	ctx, cancel := context.WithCancel(context.Background())
	ups, got := make(chan struct{}, 4), make(chan string, 4)
	done := make(chan error, 1)
	go func() {
		done <- r.Listen(ctx, "news", kv.Listener{
			Up:      func() { ups <- struct{}{} },
			Down:    func() {},
			Message: func(p []byte) { got <- string(p) },
		})
	}()
	select {
	case <-ups:
	case <-time.After(5 * time.Second):
		t.Fatal("never subscribed")
	}
	if err := other.Publish(ctx, "news", []byte("elsewhere")); err != nil {
		t.Fatal(err)
	}
	if err := r.Publish(ctx, "news", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m != "hello" {
			t.Fatalf("heard %q, want only our deployment's message", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("message not delivered")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Listen returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Listen did not stop")
	}
}
