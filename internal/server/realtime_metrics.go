package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/quarrydata/quarry/internal/realtime"
)

// realtimeCollector turns the subscription server's figures
// (realtime.Stats) into metrics at each scrape, so the realtime package
// needs no Prometheus, and the hot path only bumps atomics.
type realtimeCollector struct {
	stats                                                 func() realtime.Stats
	sockets, subscriptions, received, delivered, slowness *prometheus.Desc
}

func newRealtimeCollector(stats func() realtime.Stats) *realtimeCollector {
	return &realtimeCollector{
		stats: stats,
		sockets: prometheus.NewDesc("quarry_subscription_sockets",
			"Subscription WebSocket connections open now, by protocol (appsync at /graphql/realtime, graphql-transport-ws at /graphql).",
			[]string{"protocol"}, nil),
		subscriptions: prometheus.NewDesc("quarry_subscriptions_active",
			"Subscriptions started and not yet ended, by protocol.", []string{"protocol"}, nil),
		received: prometheus.NewDesc("quarry_subscription_events_received_total",
			"Change events the subscription hub received (mutations on this instance and, with --broker, on the others).", nil, nil),
		delivered: prometheus.NewDesc("quarry_subscription_events_delivered_total",
			"Data messages queued to subscribers (one per matching subscription and event), by protocol.", []string{"protocol"}, nil),
		slowness: prometheus.NewDesc("quarry_subscription_slow_consumer_closes_total",
			"Connections closed because they read too slowly, by protocol and reason: queue_full (their queue of unsent messages filled) or write_stalled (a write hung for 10s).",
			[]string{"protocol", "reason"}, nil),
	}
}

func (c *realtimeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.sockets, c.subscriptions, c.received, c.delivered, c.slowness} {
		ch <- d
	}
}

func (c *realtimeCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	for i, p := range realtime.Protocols {
		ch <- prometheus.MustNewConstMetric(c.sockets, prometheus.GaugeValue, float64(st.Sockets[i]), p)
		ch <- prometheus.MustNewConstMetric(c.subscriptions, prometheus.GaugeValue, float64(st.Subscriptions[i]), p)
		ch <- prometheus.MustNewConstMetric(c.delivered, prometheus.CounterValue, float64(st.Delivered[i]), p)
		ch <- prometheus.MustNewConstMetric(c.slowness, prometheus.CounterValue, float64(st.QueueFull[i]), p, realtime.SlowQueueFull)
		ch <- prometheus.MustNewConstMetric(c.slowness, prometheus.CounterValue, float64(st.Stalled[i]), p, realtime.SlowWriteStalled)
	}
	ch <- prometheus.MustNewConstMetric(c.received, prometheus.CounterValue, float64(st.Received))
}
