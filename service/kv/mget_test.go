package kv_test

import (
	"context"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/kv/kvtest"
)

type multiGetter interface {
	MGet(ctx context.Context, keys ...string) ([][]byte, error)
}

func TestMGet(t *testing.T) {
	kvtest.ForEach(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		mg, ok := s.(multiGetter)
		if !ok {
			t.Fatalf("%T has no MGet", s)
		}
		s.Set(ctx, "a", []byte("1"), 0)
		s.Set(ctx, "c", []byte(""), time.Minute)
		s.Set(ctx, "gone", []byte("x"), time.Millisecond)
		time.Sleep(5 * time.Millisecond)
		got, err := mg.MGet(ctx, "a", "b", "c", "gone")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || string(got[0]) != "1" || got[1] != nil || got[2] == nil || len(got[2]) != 0 || got[3] != nil {
			t.Fatalf("MGet = %q", got)
		}
		if got, err := mg.MGet(ctx); err != nil || len(got) != 0 {
			t.Fatalf("no keys: %q %v", got, err)
		}
	})
}
