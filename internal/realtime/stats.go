package realtime

import "sync/atomic"

// Protocols names the wire protocols, as Stats labels them.
var Protocols = [...]string{protoAppSync: "appsync", protoTransport: "graphql-transport-ws"}

const (
	protoAppSync = iota
	protoTransport
	protoCount
)

// Closes of slow consumers, by reason, as Stats labels them: the queue
// filled up (the client stopped reading), or a write hung for
// writeTimeout (the peer's socket buffer stayed full).
const (
	SlowQueueFull    = "queue_full"
	SlowWriteStalled = "write_stalled"
)

// counters are the server's figures, kept as atomics so that metrics
// read them without taking the connections' locks; the server turns a
// snapshot (Stats) into Prometheus metrics.
type counters struct {
	sockets       [protoCount]atomic.Int64
	subscriptions [protoCount]atomic.Int64
	delivered     [protoCount]atomic.Int64
	queueFull     [protoCount]atomic.Int64
	stalled       [protoCount]atomic.Int64
}

// Stats is a snapshot of a server's subscription figures, each by
// protocol (indexed as Protocols).
type Stats struct {
	// Sockets open now, and Subscriptions started on them.
	Sockets, Subscriptions [protoCount]int64
	// Delivered counts data messages queued to subscribers since the
	// server started.
	Delivered [protoCount]int64
	// QueueFull and Stalled count connections closed as too slow
	// (SlowQueueFull, SlowWriteStalled).
	QueueFull, Stalled [protoCount]int64
	// Received counts the change events the hub was handed (from this
	// instance or, through the broker, from others).
	Received int64
}

// Stats reads the server's figures now.
func (s *Server) Stats() Stats {
	var st Stats
	for i := range protoCount {
		st.Sockets[i] = s.stats.sockets[i].Load()
		st.Subscriptions[i] = s.stats.subscriptions[i].Load()
		st.Delivered[i] = s.stats.delivered[i].Load()
		st.QueueFull[i] = s.stats.queueFull[i].Load()
		st.Stalled[i] = s.stats.stalled[i].Load()
	}
	if s.Hub != nil {
		st.Received = s.Hub.received.Load()
	}
	return st
}
