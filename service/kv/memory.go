package kv

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"time"
)

// Memory is the in-process Store for a single instance without Redis.
type Memory struct {
	mu      sync.Mutex
	items   map[string]memItem
	buckets map[string]*bucket
	now     func() time.Time
	sets    int
}

type memItem struct {
	value   []byte
	expires time.Time // zero: never
}

// NewMemory returns an empty in-process store.
func NewMemory() *Memory {
	return &Memory{items: map[string]memItem{}, buckets: map[string]*bucket{}, now: time.Now}
}

func (m *Memory) live(key string) (memItem, bool) {
	it, ok := m.items[key]
	if ok && !it.expires.IsZero() && !m.now().Before(it.expires) {
		delete(m.items, key)
		return memItem{}, false
	}
	return it, ok
}

// sweep drops expired items now and then, so abandoned keys do not pile up.
func (m *Memory) sweep() {
	m.sets++
	if m.sets%1024 != 0 {
		return
	}
	now := m.now()
	for k, it := range m.items {
		if !it.expires.IsZero() && !now.Before(it.expires) {
			delete(m.items, k)
		}
	}
}

func (m *Memory) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return m.now().Add(ttl)
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	if !ok {
		return nil, ErrMiss
	}
	return bytes.Clone(it.value), nil
}

// Set implements Store.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	m.items[key] = memItem{value: bytes.Clone(value), expires: m.expiry(ttl)}
	return nil
}

// SetNX implements Store.
func (m *Memory) SetNX(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.live(key); ok {
		return false, nil
	}
	m.sweep()
	m.items[key] = memItem{value: bytes.Clone(value), expires: m.expiry(ttl)}
	return true, nil
}

// Del implements Store.
func (m *Memory) Del(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.items, k)
	}
	return nil
}

// Incr implements Store.
func (m *Memory) Incr(_ context.Context, key string, window time.Duration) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	n := int64(0)
	if ok {
		n, _ = strconv.ParseInt(string(it.value), 10, 64)
	} else {
		m.sweep()
		it.expires = m.expiry(window)
	}
	n++
	it.value = []byte(strconv.FormatInt(n, 10))
	m.items[key] = it
	return n, nil
}

// TTL implements Store.
func (m *Memory) TTL(_ context.Context, key string) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	if !ok || it.expires.IsZero() {
		return 0, nil
	}
	return it.expires.Sub(m.now()), nil
}

// CompareAndDelete implements Store.
func (m *Memory) CompareAndDelete(_ context.Context, key string, value []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	if !ok || !bytes.Equal(it.value, value) {
		return false, nil
	}
	delete(m.items, key)
	return true, nil
}

// CompareAndExpire implements Store.
func (m *Memory) CompareAndExpire(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	if !ok || !bytes.Equal(it.value, value) {
		return false, nil
	}
	it.expires = m.expiry(ttl)
	m.items[key] = it
	return true, nil
}

// Ping implements Store.
func (m *Memory) Ping(context.Context) error { return nil }

// Shared implements Store: memory is this process's alone.
func (m *Memory) Shared() bool { return false }
