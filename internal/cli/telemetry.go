package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/spf13/pflag"
	"go.opentelemetry.io/otel"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/server"
	"github.com/quarrydata/quarry/internal/telemetry"
)

// telemetryFlags turn on tracing and hold what measures every engine
// built: the statement metrics (always) and the trace exporter (when
// asked), made once per process, since the sandbox builds an engine per
// schema change.
type telemetryFlags struct {
	endpoint    string
	sampleRatio float64

	stmts   *telemetry.Statements
	tracing *telemetry.Tracing
}

func addTelemetryFlags(fs *pflag.FlagSet, t *telemetryFlags) {
	fs.StringVar(&t.endpoint, "otlp-endpoint", "", "send OpenTelemetry traces to this OTLP/HTTP collector (http://collector:4318); default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT when set, else no tracing")
	fs.Float64Var(&t.sampleRatio, "trace-sample-ratio", 1, "share of traces started here that are recorded, 0 to 1; a request's traceparent decides for its own trace")
}

// instrument gives b's engine and executors the statement metrics and,
// with tracing on, the tracer; the first call starts the exporter.
func (e *env) instrument(ctx context.Context, f *serveFlags, b *built) error {
	t := &f.telemetry
	if t.stmts == nil {
		t.stmts = telemetry.NewStatements()
		if telemetry.Enabled(t.endpoint) {
			tr, err := telemetry.Setup(ctx, telemetry.Config{Endpoint: t.endpoint, SampleRatio: t.sampleRatio,
				SQLText: f.debug, Version: server.BuildVersion().Version})
			if err != nil {
				return err
			}
			// The exporter reports failures (collector unreachable) to
			// OpenTelemetry's process-wide handler, which would print
			// them unstructured: they go to the log instead, at most one
			// per batch (every 5s by default).
			log := e.log
			otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
				log.Warn("traces not sent", "error", err.Error())
			}))
			t.tracing = tr
		}
	}
	tracerFor := func(system string) exec.Tracer {
		if t.tracing == nil {
			return t.stmts
		}
		return telemetry.Tee{t.stmts, t.tracing.Statements(system)}
	}
	b.engine.Exec.Tracer = tracerFor(b.db.Engine)
	if b.engine.Managed != nil && b.managed != nil {
		b.engine.Managed.Exec.Tracer = tracerFor(b.managed.Engine)
	}
	if t.tracing != nil {
		b.engine.Tracer = t.tracing
	}
	return nil
}

// attach registers the statement metrics on srv's /metrics and, with
// tracing on, traces its requests.
func (t *telemetryFlags) attach(srv *server.Server) {
	if t.stmts != nil {
		// Only fails on a second registration, which is a bug.
		if err := t.stmts.Register(srv.Registerer()); err != nil {
			panic(err)
		}
	}
	if t.tracing != nil {
		srv.Wrap = t.tracing.Middleware
	}
}

// shutdown sends the spans not yet sent, for at most 5s.
func (t *telemetryFlags) shutdown(log *slog.Logger) {
	if t.tracing == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.tracing.Shutdown(ctx); err != nil {
		log.Warn("traces not sent", "error", err.Error())
	}
}
