package kv

import (
	"bytes"
	"context"
	"fmt"
)

// MGet returns the values of keys in order, nil for each absent or expired
// key: several reads in one round trip. It is not part of Store; callers
// that want it declare it (the subsidy cache reads a household's
// generation and its cached view together).
func (r *Redis) MGet(ctx context.Context, keys ...string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	vals, err := r.c.MGet(ctx, full...).Result()
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(keys))
	for i, v := range vals {
		switch x := v.(type) {
		case nil:
		case string:
			out[i] = []byte(x)
		default:
			return nil, fmt.Errorf("kv: MGET returned %T", v)
		}
	}
	return out, nil
}

// MGet is Redis.MGet for the in-process store.
func (m *Memory) MGet(_ context.Context, keys ...string) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([][]byte, len(keys))
	for i, k := range keys {
		if it, ok := m.live(k); ok {
			out[i] = bytes.Clone(it.value)
		}
	}
	return out, nil
}
