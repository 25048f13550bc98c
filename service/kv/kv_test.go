package kv_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
)

func TestStore(t *testing.T) {
	ctx := context.Background()
	kvtest.ForEach(t, func(t *testing.T, s kv.Store) {
		if _, err := s.Get(ctx, "absent"); !errors.Is(err, kv.ErrMiss) {
			t.Fatalf("Get absent: %v, want ErrMiss", err)
		}
		if err := s.Set(ctx, "a", []byte("1"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Get(ctx, "a"); err != nil || string(v) != "1" {
			t.Fatalf("Get a = %q, %v", v, err)
		}
		if ok, _ := s.SetNX(ctx, "a", []byte("2"), time.Minute); ok {
			t.Fatal("SetNX on a present key succeeded")
		}
		if ok, _ := s.SetNX(ctx, "b", []byte("x"), time.Minute); !ok {
			t.Fatal("SetNX on an absent key failed")
		}
		if ok, _ := s.CompareAndDelete(ctx, "b", []byte("other")); ok {
			t.Fatal("CompareAndDelete with a wrong value deleted")
		}
		if ok, _ := s.CompareAndExpire(ctx, "b", []byte("x"), time.Hour); !ok {
			t.Fatal("CompareAndExpire with the right value failed")
		}
		if d, _ := s.TTL(ctx, "b"); d < 59*time.Minute {
			t.Fatalf("TTL after extend = %s", d)
		}
		if ok, _ := s.CompareAndDelete(ctx, "b", []byte("x")); !ok {
			t.Fatal("CompareAndDelete with the right value failed")
		}
		for want := int64(1); want <= 3; want++ {
			if n, err := s.Incr(ctx, "c", time.Minute); err != nil || n != want {
				t.Fatalf("Incr = %d, %v; want %d", n, err, want)
			}
		}
		if err := s.Del(ctx, "a", "c"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "a"); !errors.Is(err, kv.ErrMiss) {
			t.Fatal("Del left the key")
		}
		if err := s.Set(ctx, "short", []byte("v"), 50*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(3 * time.Second)
		for {
			if _, err := s.Get(ctx, "short"); errors.Is(err, kv.ErrMiss) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a key with a 50ms ttl did not expire")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
