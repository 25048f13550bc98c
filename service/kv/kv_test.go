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

func TestTokenBucket(t *testing.T) {
	ctx := context.Background()
	kvtest.ForEach(t, func(t *testing.T, s kv.Store) {
		t.Run("starts full, then refills at the rate", func(t *testing.T) {
			got, wait, err := s.TakeTokens(ctx, "bucket-a", 10, 5, 3)
			if err != nil || got != 3 || wait != 0 {
				t.Fatalf("first take = %d, %s, %v; want 3, 0", got, wait, err)
			}
			got, wait, _ = s.TakeTokens(ctx, "bucket-a", 10, 5, 5)
			if got != 2 || wait <= 0 || wait > 110*time.Millisecond {
				t.Fatalf("second take = %d, %s; want the 2 left and a wait of about 100ms", got, wait)
			}
			time.Sleep(250 * time.Millisecond)
			got, _, _ = s.TakeTokens(ctx, "bucket-a", 10, 5, 5)
			if got < 2 || got > 3 {
				t.Fatalf("after 250ms at 10/s took %d, want 2 or 3", got)
			}
		})
		t.Run("never more than burst", func(t *testing.T) {
			time.Sleep(50 * time.Millisecond)
			got, _, _ := s.TakeTokens(ctx, "bucket-b", 1000, 4, 100)
			if got != 4 {
				t.Fatalf("took %d from a fresh bucket of burst 4", got)
			}
		})
		t.Run("holds the rate over time", func(t *testing.T) {
			start, total := time.Now(), 0
			for time.Since(start) < 500*time.Millisecond {
				got, wait, err := s.TakeTokens(ctx, "bucket-c", 100, 10, 1)
				if err != nil {
					t.Fatal(err)
				}
				total += got
				if got == 0 {
					time.Sleep(wait)
				}
			}
			if total < 50 || total > 70 {
				t.Fatalf("took %d tokens in 500ms at 100/s with burst 10; want about 60", total)
			}
		})
		t.Run("bad arguments", func(t *testing.T) {
			if _, _, err := s.TakeTokens(ctx, "bucket-d", 0, 1, 1); err == nil {
				t.Fatal("rate 0 accepted")
			}
		})
	})
}

func TestTokenBucketIsSharedThroughRedis(t *testing.T) {
	c := kvtest.Client(t)
	prefix := kvtest.Prefix(t, c)
	a, b := kv.NewRedis(c, prefix), kv.NewRedis(c, prefix)
	ctx := context.Background()
	gotA, _, _ := a.TakeTokens(ctx, "app", 1, 10, 6)
	gotB, _, _ := b.TakeTokens(ctx, "app", 1, 10, 6)
	if gotA != 6 || gotB != 4 {
		t.Fatalf("two instances took %d and %d from one bucket of 10; want 6 and 4", gotA, gotB)
	}
}
