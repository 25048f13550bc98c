package kv

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// bucket is a token bucket's state: tokens left at a moment.
type bucket struct {
	tokens float64
	at     time.Time
}

// take refills b up to now and takes up to n tokens.
func (b *bucket) take(now time.Time, rate float64, burst, n int) (int, time.Duration) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(burst), b.tokens+elapsed.Seconds()*rate)
		b.at = now
	}
	got := min(n, int(b.tokens))
	b.tokens -= float64(got)
	if got == n {
		return got, 0
	}
	return got, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

func checkBucket(rate float64, burst, n int) error {
	if rate <= 0 || burst < 1 || n < 0 {
		return errors.New("kv: a token bucket needs rate > 0, burst >= 1 and n >= 0")
	}
	return nil
}

// TakeTokens implements Store.
func (m *Memory) TakeTokens(_ context.Context, key string, rate float64, burst, n int) (int, time.Duration, error) {
	if err := checkBucket(rate, burst, n); err != nil {
		return 0, 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	b, ok := m.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(burst), at: now}
		m.buckets[key] = b
	}
	got, wait := b.take(now, rate, burst, n)
	return got, wait, nil
}

// takeTokensScript keeps a bucket as a hash {tokens, ms} and reads the time
// from Redis itself, so instances with skewed clocks share one bucket
// fairly. The key expires once a full bucket would have refilled.
var takeTokensScript = redis.NewScript(`
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ms')
local tokens = tonumber(s[1])
local at = tonumber(s[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
end
local got = math.min(want, math.floor(tokens))
tokens = tokens - got
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ms', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local wait = 0
if got < want then wait = math.ceil((1 - tokens) / rate * 1000000) end
return {got, wait}`)

// TakeTokens implements Store.
func (r *Redis) TakeTokens(ctx context.Context, key string, rate float64, burst, n int) (int, time.Duration, error) {
	if err := checkBucket(rate, burst, n); err != nil {
		return 0, 0, err
	}
	res, err := takeTokensScript.Run(ctx, r.c, []string{r.prefix + key}, rate, burst, n).Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	if len(res) != 2 {
		return 0, 0, errors.New("kv: token bucket script answered unexpectedly")
	}
	return int(res[0]), time.Duration(res[1]) * time.Microsecond, nil
}
