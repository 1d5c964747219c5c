package telemetry

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/qerr"
)

// Config says where traces go and how many.
type Config struct {
	// Endpoint is the collector's OTLP/HTTP base URL
	// (http://collector:4318); /v1/traces is appended unless it has a
	// path. Empty: the exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
	// OTEL_EXPORTER_OTLP_ENDPOINT (Enabled says whether one is set).
	Endpoint string
	// SampleRatio is the share of traces started here that are recorded,
	// 0 to 1; a request whose traceparent says sampled (or not) is
	// followed (parent-based sampling).
	SampleRatio float64
	// SQLText puts each statement's text (placeholders, never values) on
	// its span as db.statement; statements can be kilobytes long.
	SQLText bool
	// Version is service.version.
	Version string
}

// Enabled reports whether tracing is asked for: an endpoint given, or one
// of the standard environment variables set.
func Enabled(endpoint string) bool {
	return endpoint != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
}

// Tracing exports spans of the request path to an OTLP collector.
type Tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
	sqlText  bool
}

var _ pipeline.Tracer = (*Tracing)(nil)

// Setup starts exporting to cfg's collector. Spans are sent in batches in
// the background (OTEL_BSP_* tune the batches); Shutdown sends what is
// left.
func Setup(ctx context.Context, cfg Config) (*Tracing, error) {
	if cfg.SampleRatio < 0 || cfg.SampleRatio > 1 {
		return nil, fmt.Errorf("--trace-sample-ratio %g: give a share of traces between 0 and 1 (1 records every trace)", cfg.SampleRatio)
	}
	var opts []otlptracehttp.Option
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--otlp-endpoint %q: give the collector's OTLP/HTTP URL, like http://collector:4318", cfg.Endpoint)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/v1/traces"
		}
		opts = append(opts, otlptracehttp.WithEndpointURL(u.String()))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	// Quarry's own name and version first: OTEL_SERVICE_NAME and
	// OTEL_RESOURCE_ATTRIBUTES, detected later, win.
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", "quarry"), attribute.String("service.version", cfg.Version)),
		resource.WithFromEnv())
	if err != nil {
		return nil, fmt.Errorf("trace resource (OTEL_RESOURCE_ATTRIBUTES?): %w", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	)
	return &Tracing{provider: tp, tracer: tp.Tracer("github.com/quarrydata/quarry"),
		prop: propagation.TraceContext{}, sqlText: cfg.SQLText}, nil
}

// Shutdown sends the spans not yet sent and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("flush traces: %w", err)
	}
	return nil
}

// requestSpan marks a context whose span is a GraphQL request's, for
// Request to annotate (over a WebSocket, the span is the connection's).
type requestSpan struct{}

// Middleware starts a server span for each request to the API (POST
// /graphql, and each WebSocket to /graphql or /graphql/realtime, whose
// span lasts as long as the socket stays open), its parent the caller's
// traceparent. Other paths (/healthz, /metrics) are not traced.
func (t *Tracing) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" && r.URL.Path != "/graphql/realtime" {
			next.ServeHTTP(w, r)
			return
		}
		ctx := t.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
		name := r.Method + " " + r.URL.Path
		if upgrade {
			name = "WebSocket " + r.URL.Path
		}
		ctx, span := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
		if upgrade {
			// The socket outlives the handler (the realtime server reads it
			// from a goroutine of its own), so its span ends when the
			// hijacked connection closes, or here if it never was.
			hw := &hijackWriter{ResponseWriter: w, span: span}
			next.ServeHTTP(hw, r.WithContext(ctx))
			if !hw.hijacked {
				span.End()
			}
			return
		}
		defer span.End()
		ctx = context.WithValue(ctx, requestSpan{}, true)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		span.SetAttributes(attribute.Int("http.response.status_code", sw.status))
		if sw.status >= 400 {
			span.SetStatus(codes.Error, http.StatusText(sw.status))
		}
	})
}

// statusWriter remembers the status written. Unwrap lets
// http.ResponseController reach the connection (read deadlines).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// hijackWriter hands a WebSocket upgrade the server's connection, wrapped
// so that closing it ends the socket's span.
type hijackWriter struct {
	http.ResponseWriter
	span     trace.Span
	hijacked bool
}

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.hijacked = true
	return &spanConn{Conn: c, span: w.span}, rw, nil
}

func (w *hijackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// spanConn ends its span on the first Close.
type spanConn struct {
	net.Conn
	span trace.Span
	once sync.Once
}

func (c *spanConn) Close() error {
	c.once.Do(func() { c.span.End() })
	return c.Conn.Close()
}

// Request implements pipeline.Tracer: it names the request on its span.
// The operation name is the client's; it goes on the span (an attribute,
// bounded in length), never into a metric label or a span name.
func (t *Tracing) Request(ctx context.Context, info pipeline.RequestInfo) {
	if ctx.Value(requestSpan{}) == nil {
		return
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{
		attribute.String("quarry.request_id", info.ID),
		attribute.String("quarry.root_fields", info.Fields),
		attribute.Int("quarry.errors", info.Errors),
	}
	if info.OperationName != "" {
		attrs = append(attrs, attribute.String("graphql.operation.name", truncate(info.OperationName, 128)))
	}
	if info.Fields != "" {
		attrs = append(attrs, attribute.String("graphql.operation.type", operationType(info.Fields)))
	}
	span.SetAttributes(attrs...)
	if info.ErrorType != "" {
		span.SetAttributes(attribute.String("quarry.error.type", info.ErrorType))
		span.SetStatus(codes.Error, info.ErrorType)
	}
}

// Stage implements pipeline.Tracer.
func (t *Tracing) Stage(ctx context.Context, stage, field string) (context.Context, func(error)) {
	name := stage
	opts := []trace.SpanStartOption{trace.WithAttributes(attribute.String("quarry.stage", stage))}
	if field != "" {
		name = stage + " " + field
		opts = append(opts, trace.WithAttributes(attribute.String("quarry.field", field)))
	}
	ctx, span := t.tracer.Start(ctx, name, opts...)
	return ctx, func(err error) { endSpan(span, err) }
}

// Statements returns the exec.Tracer that puts a span per statement of a
// database of kind system (postgresql, mysql, sqlite).
func (t *Tracing) Statements(system string) exec.Tracer {
	return statements{t: t, system: system}
}

type statements struct {
	t      *Tracing
	system string
}

func (s statements) StatementStart(ctx context.Context, st exec.StatementInfo) context.Context {
	name := st.Verb
	if st.Field.Name != "" {
		name += " " + st.Field.Name
	}
	attrs := []attribute.KeyValue{
		attribute.String("db.system", s.system),
		attribute.String("db.operation", st.Verb),
		attribute.String("quarry.field", st.Field.Name),
		attribute.String("graphql.operation.type", st.Field.Operation),
	}
	if s.t.sqlText {
		attrs = append(attrs, attribute.String("db.statement", st.SQL))
	}
	ctx, _ = s.t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(st.Start), trace.WithAttributes(attrs...))
	return ctx
}

func (s statements) StatementEnd(ctx context.Context, _ exec.StatementInfo, err error) {
	endSpan(trace.SpanFromContext(ctx), err)
}

// endSpan ends span, recording err as its kind: a message may quote a
// row or a value, a kind never does.
func endSpan(span trace.Span, err error) {
	if err != nil {
		kind := string(qerr.KindOf(err))
		if errors.Is(err, context.Canceled) {
			kind = "CANCELED"
		}
		span.SetAttributes(attribute.String("quarry.error.kind", kind))
		span.SetStatus(codes.Error, kind)
	}
	span.End()
}

// operationType reads a request's operation from its root fields' kinds.
func operationType(fields string) string {
	for _, k := range strings.Split(fields, ",") {
		switch k {
		case "create", "update", "delete", "customMutation":
			return "mutation"
		}
	}
	return "query"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
