package pubsub

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the NATS broker's figures, for /metrics.
type metrics struct {
	published   prometheus.Counter
	delivered   prometheus.Counter
	dropped     *prometheus.CounterVec
	lost        *prometheus.CounterVec
	disconnects prometheus.Counter
	gauges      []prometheus.Collector
}

func newMetrics(connected func() float64, outbox func() float64) *metrics {
	m := &metrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{Name: "quarry_broker_events_published_total",
			Help: "Change events this instance stored in the broker's stream (acknowledged by JetStream)."}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "quarry_broker_events_delivered_total",
			Help: "Change events from the broker (from every instance) handed to this instance's subscriptions."}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "quarry_broker_events_dropped_total",
			Help: "Messages from the broker refused: replay (sender and sequence already seen), stale (older than the events' maximum age), bad_signature, unsigned or malformed."}, []string{"reason"}),
		lost: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "quarry_broker_events_lost_total",
			Help: "Change events lost for good: outbox (this instance's outbox was full during an outage) or stream (events missing when this instance read the broker again: expired, or lost by their sender). Subscribers are told to subscribe again."}, []string{"where"}),
		disconnects: prometheus.NewCounter(prometheus.CounterOpts{Name: "quarry_broker_disconnects_total",
			Help: "Times the connection to the broker was lost."}),
	}
	m.gauges = []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quarry_broker_connected",
			Help: "1 while this instance is connected to the broker, else 0."}, connected),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quarry_broker_outbox_events",
			Help: "Change events waiting in this instance's outbox to be stored in the broker (they pile up during an outage)."}, outbox),
	}
	// Every label shows from the start, at zero, so alerts on rates work.
	for _, r := range []string{dropReplay, dropStale, dropBadSignature, dropUnsigned, dropMalformed} {
		m.dropped.WithLabelValues(r)
	}
	m.lost.WithLabelValues("outbox")
	m.lost.WithLabelValues("stream")
	return m
}

// register adds the metrics to reg (none when nil).
func (m *metrics) register(reg prometheus.Registerer) error {
	if reg == nil {
		return nil
	}
	for _, c := range append([]prometheus.Collector{m.published, m.delivered, m.dropped, m.lost, m.disconnects}, m.gauges...) {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("broker metrics: %w", err)
		}
	}
	return nil
}

// warnLimiter logs a warning at most once per interval for each key,
// with the number of occurrences not logged since: a flood of forged or
// replayed messages must not flood the log too.
type warnLimiter struct {
	log      *slog.Logger
	interval time.Duration

	mu   sync.Mutex
	keys map[string]*limited
}

type limited struct {
	last       time.Time
	suppressed int
}

func (w *warnLimiter) warn(key, msg string, args ...any) {
	w.mu.Lock()
	now := time.Now()
	if w.keys == nil {
		w.keys = map[string]*limited{}
	}
	l := w.keys[key]
	if l == nil {
		l = &limited{}
		w.keys[key] = l
	}
	if !l.last.IsZero() && now.Sub(l.last) < w.interval {
		l.suppressed++
		w.mu.Unlock()
		return
	}
	suppressed := l.suppressed
	l.last, l.suppressed = now, 0
	w.mu.Unlock()
	if suppressed > 0 {
		args = append(args, "more_since_last_warning", suppressed)
	}
	w.log.Warn(msg, args...)
}
