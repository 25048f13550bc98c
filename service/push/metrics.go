package push

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the push worker's Prometheus metrics. A nil *Metrics counts
// nothing, so tests need not register any.
type Metrics struct {
	sends    *prometheus.CounterVec
	sendTime *prometheus.HistogramVec
}

// NewMetrics registers the worker's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "xiangbang_push_sends_total",
			Help: "Messages the push worker handled, by channel (template, subscribe) and outcome (sent, retry, dead, skipped, held, released).",
		}, []string{"channel", "outcome"}),
		sendTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "xiangbang_push_send_duration_seconds",
			Help:    "Time WeChat took to answer one send, by channel.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"channel"}),
	}
	reg.MustRegister(m.sends, m.sendTime)
	return m
}

func (m *Metrics) outcome(channel, label string) {
	if m != nil {
		m.sends.WithLabelValues(channel, label).Inc()
	}
}

func (m *Metrics) latency(channel string, d time.Duration) {
	if m != nil {
		m.sendTime.WithLabelValues(channel).Observe(d.Seconds())
	}
}
