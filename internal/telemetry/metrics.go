package telemetry

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/qerr"
)

// Statements are the metrics of the statements root fields send. Their
// labels come from the schema (operation and root field name), never
// from the client (aliases, operation names), so their number is bounded
// by the API's size.
type Statements struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

var _ exec.Tracer = (*Statements)(nil)

// NewStatements returns the metrics, not yet registered.
func NewStatements() *Statements {
	return &Statements{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "quarry_statement_duration_seconds",
			Help: "Time the database took for a root field's statement (a mutation: its transaction), from getting a connection to the last row, by operation kind (get, list, create, update, delete, customQuery, customMutation, as quarry_requests_total) and root field.",
			// From a quarter millisecond to about 16s (the statement
			// timeout's default is 10s).
			Buckets: prometheus.ExponentialBuckets(0.00025, 2, 17),
		}, []string{"operation", "field"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quarry_statement_errors_total",
			Help: "Statements that failed, by operation kind, root field and error kind (UNAVAILABLE, TIMEOUT, CONFLICT, BAD_INPUT, TOO_LARGE, INTERNAL…).",
		}, []string{"operation", "field", "kind"}),
	}
}

// Register adds the metrics to reg.
func (s *Statements) Register(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{s.duration, s.errors} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("statement metrics: %w", err)
		}
	}
	return nil
}

// StatementStart implements exec.Tracer; the start time travels in st.
func (s *Statements) StatementStart(ctx context.Context, _ exec.StatementInfo) context.Context {
	return ctx
}

// StatementEnd implements exec.Tracer.
func (s *Statements) StatementEnd(_ context.Context, st exec.StatementInfo, err error) {
	// The request metrics' operation label: one vocabulary for both.
	op := st.Field.Kind
	if op == "" {
		op = "other"
	}
	s.duration.WithLabelValues(op, st.Field.Name).Observe(time.Since(st.Start).Seconds())
	if err != nil {
		s.errors.WithLabelValues(op, st.Field.Name, string(qerr.KindOf(err))).Inc()
	}
}

// Tee is an exec.Tracer that tells each of its tracers in turn.
type Tee []exec.Tracer

// StatementStart implements exec.Tracer.
func (t Tee) StatementStart(ctx context.Context, st exec.StatementInfo) context.Context {
	for _, x := range t {
		ctx = x.StatementStart(ctx, st)
	}
	return ctx
}

// StatementEnd implements exec.Tracer.
func (t Tee) StatementEnd(ctx context.Context, st exec.StatementInfo, err error) {
	for _, x := range t {
		x.StatementEnd(ctx, st, err)
	}
}
