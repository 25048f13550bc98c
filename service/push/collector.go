package push

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Collector exports the outbox's depth by state and the age of the oldest
// due message. Counting a large outbox is not free, so a scrape reuses a
// reading younger than maxAge.
type Collector struct {
	o      *Outbox
	log    *slog.Logger
	maxAge time.Duration

	depth  *prometheus.Desc
	oldest *prometheus.Desc

	mu   sync.Mutex
	last Status
	at   time.Time
}

// NewCollector returns a collector of o; register it on the registry.
func NewCollector(o *Outbox, log *slog.Logger, maxAge time.Duration) *Collector {
	return &Collector{o: o, log: log, maxAge: maxAge,
		depth: prometheus.NewDesc("xiangbang_push_outbox_messages",
			"Messages in the push outbox by state (queued, held, leased, sent, dead, skipped).", []string{"state"}, nil),
		oldest: prometheus.NewDesc("xiangbang_push_oldest_due_seconds",
			"How long the oldest due message has waited to be sent.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.oldest
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > c.maxAge {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := c.o.Status(ctx)
		cancel()
		if err != nil {
			c.log.Warn("push: reading the outbox for metrics failed", "err", err)
			if c.at.IsZero() {
				return
			}
		} else {
			c.last, c.at = st, time.Now()
		}
	}
	for _, s := range States {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(c.last.Depth[s]), s)
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, c.last.OldestDue.Seconds())
}
