package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result is one phase's measurements.
type result struct {
	name     string
	requests int
	errors   int
	elapsed  time.Duration
	lat      []time.Duration // sorted
	bytes    int64
}

// add merges another run of the same phase into r.
func (r result) add(o result) result {
	r.requests += o.requests
	r.errors += o.errors
	r.elapsed += o.elapsed
	r.bytes += o.bytes
	r.lat = append(r.lat, o.lat...)
	slices.Sort(r.lat)
	return r
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*p/100+0.5) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

func (r result) row() string {
	return fmt.Sprintf("| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d |", r.name, r.requests, r.errors, r.rps(),
		ms(r.pct(50)), ms(r.pct(90)), ms(r.pct(99)), ms(r.lat[len(r.lat)-1]), r.bytes/int64(max(r.requests, 1)))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// request is what a worker sends next: a URL and a bearer token.
type request struct {
	url, token string
}

// run sends requests from workers concurrent clients until next says
// stop (ok false) or the deadline passes, and measures each.
func run(ctx context.Context, client *http.Client, name string, workers int, d time.Duration, next func(rng *rand.Rand) (request, bool)) result {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	res := result{name: name}
	var wg sync.WaitGroup
	var stop atomic.Bool
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			var lat []time.Duration
			var n, errs int
			var bytes int64
			for !stop.Load() && time.Now().Before(deadline) && ctx.Err() == nil {
				rq, ok := next(rng)
				if !ok {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", rq.url, nil)
				if rq.token != "" {
					req.Header.Set("Authorization", "Bearer "+rq.token)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				b, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				n++
				bytes += b
				if resp.StatusCode != 200 {
					errs++
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.requests += n
			res.errors += errs
			res.bytes += bytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}
