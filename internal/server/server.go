// Package server puts the API on HTTP: POST /graphql (AppSync's request
// and response shapes, API-key checks), GraphiQL at /, /healthz, Prometheus
// metrics at /metrics, CORS for browsers, a request id on every response,
// and graceful shutdown. The engine behind it can be swapped at any time
// (the sandbox does so on every schema change); requests in flight finish
// on the engine they started with.
package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/realtime"
)

// Defaults of the server's limits.
const (
	DefaultMaxBody         = 1 << 20
	DefaultBodyTimeout     = 10 * time.Second
	DefaultMaxConnsPerAddr = 1024
)

// Server serves one API.
type Server struct {
	engine  atomic.Pointer[pipeline.Engine]
	authn   atomic.Pointer[auth.Authenticator]
	log     *slog.Logger
	metrics *metrics
	mux     *http.ServeMux
	// Ready reports whether the database answers, for /healthz.
	Ready func(ctx context.Context) error
	// Checks are further dependencies /healthz reports by name (the
	// broker). A failing check makes the instance "degraded", not down:
	// it still answers queries, so a load balancer should keep it.
	Checks map[string]func(ctx context.Context) error
	// RequestTimeout bounds a whole request, all its root fields together
	// (each statement also has its own timeout); zero means none.
	RequestTimeout time.Duration
	// TLS, when set, is served on the same port as plain HTTP (see
	// sniffListener).
	TLS *tls.Config
	// Realtime serves subscriptions; its Hub receives change events.
	Realtime *realtime.Server
	// MaxBody bounds a request body (default DefaultMaxBody).
	MaxBody int64
	// BodyTimeout bounds the time a client takes to send a request's
	// body once its headers arrived (default DefaultBodyTimeout), so a
	// body sent a byte at a time does not hold a connection for ever.
	BodyTimeout time.Duration
	// MaxConnsPerAddr bounds the connections one client address holds
	// open at once (default DefaultMaxConnsPerAddr; negative: no limit).
	MaxConnsPerAddr int
	// GraphiQL serves the IDE at / (New turns it on; serve turns it off
	// unless asked).
	GraphiQL bool
	// MetricsOnMain serves /metrics on the API's own port (New turns it
	// on); otherwise MetricsHandler is served elsewhere, or not at all.
	MetricsOnMain bool
	// CORSOrigins lists the origins browsers may call the API from; empty
	// allows any (the API authenticates by header, never by cookie).
	CORSOrigins []string
	// AccessLog logs one line per GraphQL request: id, operation, outcome,
	// errors, rows read, duration.
	AccessLog bool
	// Wrap, when set, wraps the handler of every request (tracing: a span
	// per request, its parent from the traceparent header).
	Wrap func(http.Handler) http.Handler
	// Compress answers with brotli or gzip when the client accepts them
	// (compress.go); WebSocket upgrades are never compressed.
	Compress bool
}

// New returns a server for engine, accepting the credentials authn
// accepts.
func New(engine *pipeline.Engine, authn *auth.Authenticator, log *slog.Logger) *Server {
	s := &Server{log: log, mux: http.NewServeMux(), Checks: map[string]func(context.Context) error{},
		GraphiQL: true, MetricsOnMain: true}
	s.Swap(engine)
	s.SetAuthenticator(authn)
	s.metrics = newMetrics(func() float64 {
		if e := s.engine.Load(); e != nil && e.Exec != nil {
			return float64(e.Exec.InUse())
		}
		return 0
	}, func() float64 {
		if e := s.engine.Load(); e != nil && e.Exec != nil && !e.Exec.Reachable() {
			return 0
		}
		return 1
	}, func() (int, int64, time.Duration) {
		if e := s.engine.Load(); e != nil && e.Exec != nil {
			return e.Exec.Waiting()
		}
		return 0, 0, 0
	})
	s.Realtime = &realtime.Server{Hub: realtime.NewHub(), Log: log,
		Engine: func() *pipeline.Engine { return s.engine.Load() },
		Auth:   func() *auth.Authenticator { return s.authn.Load() }}
	s.metrics.reg.MustRegister(newRealtimeCollector(func() realtime.Stats { return s.Realtime.Stats() }))
	s.mux.HandleFunc("/graphql", s.graphql)
	s.mux.HandleFunc("/graphql/realtime", s.Realtime.ServeAppSync)
	s.mux.HandleFunc("/healthz", s.healthz)
	s.mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		if !s.MetricsOnMain {
			http.NotFound(w, r)
			return
		}
		s.MetricsHandler().ServeHTTP(w, r)
	})
	s.mux.HandleFunc("/{$}", s.graphiql)
	s.mux.HandleFunc("GET "+graphiqlPrefix, s.graphiqlAsset)
	return s
}

// Swap makes engine serve all requests that start from now on.
func (s *Server) Swap(engine *pipeline.Engine) { s.engine.Store(engine) }

// SetAuthenticator replaces what checks credentials (the sandbox does so
// when the authorization modes change).
func (s *Server) SetAuthenticator(a *auth.Authenticator) { s.authn.Store(a) }

// Mount serves h under the path prefix (the sandbox's token issuer).
func (s *Server) Mount(prefix string, h http.Handler) { s.mux.Handle(prefix, h) }

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	if s.Compress {
		h = newCompressor(h)
	}
	if s.Wrap != nil {
		return s.Wrap(h)
	}
	return h
}

// Serve runs the server on ln until ctx ends, then drains requests in
// flight for up to drain before closing.
func (s *Server) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	perAddr := s.MaxConnsPerAddr
	if perAddr == 0 {
		perAddr = DefaultMaxConnsPerAddr
	}
	if perAddr > 0 {
		var lastWarn atomic.Int64
		ln = newAddrLimitListener(ln, perAddr, func(host string) {
			s.metrics.refused.Inc()
			// Behind a proxy every client shares the proxy's address: say
			// so, at most once a minute, rather than refuse in silence.
			now := time.Now().Unix()
			if last := lastWarn.Load(); now-last >= 60 && lastWarn.CompareAndSwap(last, now) {
				s.log.Warn("connection refused: its client address holds --max-conns-per-addr connections already; behind a proxy or load balancer all clients share its address, so raise the limit or set it to -1",
					"addr", host, "max_conns_per_addr", perAddr)
			}
		})
	}
	if s.TLS != nil {
		ln = sniffListener{Listener: ln, config: s.TLS}
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	// Subscription sockets were hijacked from the HTTP server, which no
	// longer tracks them: close them here.
	closed := make(chan struct{})
	go func() {
		s.Realtime.Shutdown()
		close(closed)
	}()
	err := hs.Shutdown(sctx)
	select {
	case <-closed:
	case <-sctx.Done():
	}
	if err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// cors answers browsers: the client sends x-api-key, authorization and its
// own headers, so a preflight must allow them. With an allow-list, other
// origins get no CORS headers, so browsers refuse the response.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Add("Vary", "Origin") // beside Accept-Encoding (compress.go)
	origin := r.Header.Get("Origin")
	switch {
	case len(s.CORSOrigins) > 0 && !slices.Contains(s.CORSOrigins, origin) && !slices.Contains(s.CORSOrigins, "*"):
		return
	case origin == "":
		origin = "*"
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
	allow := "x-api-key, x-amz-user-agent, authorization, content-type, x-amz-date, x-amz-security-token"
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		allow = req
	}
	h.Set("Access-Control-Allow-Headers", allow)
	h.Set("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-ErrorType")
	h.Set("Access-Control-Max-Age", "86400")
}

func (s *Server) graphql(w http.ResponseWriter, r *http.Request) {
	if realtime.IsTransport(r) {
		s.Realtime.ServeTransport(w, r)
		return
	}
	start := time.Now()
	// The body must arrive within BodyTimeout of the headers, also when
	// the request is refused unread (net/http then reads what is left of
	// it before answering, to keep the connection).
	_ = http.NewResponseController(w).SetReadDeadline(start.Add(s.bodyTimeout()))
	id := newRequestID()
	w.Header().Set("x-amzn-RequestId", id)
	s.cors(w, r)
	switch r.Method {
	case http.MethodOptions:
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		s.writeError(w, http.StatusMethodNotAllowed, "BadRequestException", "Send GraphQL requests as POST with a JSON body {query, variables}.")
		return
	}
	// Credentials are checked before the body is read, as AppSync does:
	// a caller without them learns nothing about the API.
	identity, err := s.authn.Load().Authenticate(r.Context(), r.Header)
	if err != nil {
		s.metrics.requests.WithLabelValues("unauthorized", "401").Inc()
		s.log.Info("authentication failed", "request_id", id, "error", err.Error())
		msg := "You are not authorized to make this call."
		if qerr.KindOf(err) == qerr.Unauthorized {
			msg = qerr.ClientMessage(err, false)
		}
		s.writeError(w, http.StatusUnauthorized, "UnauthorizedException", msg)
		return
	}
	var req pipeline.Request
	body, code, msg := s.readBody(w, r)
	if msg != "" {
		errorType := "PayloadTooLargeException"
		if code != http.StatusRequestEntityTooLarge {
			errorType = "BadRequestException"
		}
		s.writeError(w, code, errorType, msg)
		return
	}
	if json.Unmarshal(body, &req) != nil || strings.TrimSpace(req.Query) == "" {
		s.writeError(w, http.StatusBadRequest, "BadRequestException", `The body must be JSON: {"query": "...", "variables": {...}}.`)
		return
	}
	ctx := r.Context()
	if s.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.RequestTimeout)
		defer cancel()
	}
	engine := s.engine.Load()
	resp := engine.Serve(ctx, req, id, identity)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	// Written straight to w: net/http buffers the pieces, and a large
	// response is not copied once more. A write error means the client
	// went away; an encoding error comes before anything was written.
	if err := resp.WriteJSON(w); errors.Is(err, pipeline.ErrEncode) {
		resp = pipeline.ErrorResponse(qerr.Wrap(qerr.Internal, "encode response", err), engine.Debug)
		_ = resp.WriteJSON(w)
	}
	// One label value per kind of operation, so clients cannot grow the
	// metric without bound by combining root fields.
	op, _, several := strings.Cut(resp.Operation, ",")
	switch {
	case op == "":
		op = "invalid"
	case several:
		op = "multiple"
	}
	status := "ok"
	if len(resp.Errors) > 0 {
		status = "error"
	}
	took := time.Since(start)
	s.metrics.requests.WithLabelValues(op, status).Inc()
	s.metrics.latency.WithLabelValues(op).Observe(took.Seconds())
	if s.AccessLog {
		s.log.Info("request", "request_id", id, "operation", resp.Operation, "status", status,
			"errors", len(resp.Errors), "rows", resp.Rows, "duration", took.Round(time.Microsecond).String())
	}
}

// readBody reads a request body within the size and time limits, or says
// which limit it broke, with the HTTP status to answer.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (body []byte, status int, msg string) {
	limit := s.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	timeout := s.bodyTimeout()
	rc := http.NewResponseController(w)
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil || int64(len(body)) > limit {
		// Otherwise net/http would wait for the rest of the body before
		// answering, to keep the connection: exactly what a slow client
		// wants.
		w.Header().Set("Connection", "close")
	} else {
		_ = rc.SetReadDeadline(time.Time{})
	}
	switch {
	case err != nil && isTimeout(err):
		s.metrics.slowBodies.Inc()
		return nil, http.StatusRequestTimeout, fmt.Sprintf("The request body did not arrive within %s (limit --body-timeout).", timeout)
	case err != nil:
		return nil, http.StatusBadRequest, "The request body could not be read."
	case int64(len(body)) > limit:
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is over %d bytes (limit --max-body).", limit)
	}
	return body, 0, ""
}

func (s *Server) bodyTimeout() time.Duration {
	if s.BodyTimeout > 0 {
		return s.BodyTimeout
	}
	return DefaultBodyTimeout
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// writeError answers as AppSync does for requests it refuses before
// running them.
func (s *Server) writeError(w http.ResponseWriter, status int, errorType, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("x-amzn-ErrorType", errorType)
	w.WriteHeader(status)
	raw, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"errorType": errorType, "message": msg}}})
	_, _ = w.Write(raw)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	report := map[string]string{"status": "ok"}
	status := http.StatusOK
	if s.Ready != nil {
		report["database"] = "ok"
		if err := s.Ready(ctx); err != nil {
			report["status"], report["database"] = "database unreachable", "unreachable"
			status = http.StatusServiceUnavailable
		}
	}
	for name, check := range s.Checks {
		report[name] = "ok"
		if err := check(ctx); err != nil {
			report[name] = err.Error()
			if status == http.StatusOK {
				report["status"] = "degraded"
			}
		}
	}
	raw, _ := json.Marshal(report)
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// MetricsHandler serves the Prometheus metrics, for a listener of its own
// (--metrics-addr).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

// Registerer is where other parts of the process (the broker) register
// their metrics, so /metrics shows them beside the server's.
func (s *Server) Registerer() prometheus.Registerer { return s.metrics.reg }

type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	refused    prometheus.Counter
	slowBodies prometheus.Counter
}

func newMetrics(inUse, reachable func() float64, wait func() (int, int64, time.Duration)) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quarry_requests_total", Help: "GraphQL requests by operation kind and outcome.",
		}, []string{"operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "quarry_request_duration_seconds", Help: "GraphQL request latency by operation kind.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"operation"}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "quarry_connections_refused_total", Help: "Connections closed at once because their client address had --max-conns-per-addr open.",
		}),
		slowBodies: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "quarry_slow_bodies_total", Help: "Requests refused because their body did not arrive within --body-timeout.",
		}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "quarry_build_info", Help: "Always 1; its labels say which Quarry is running.",
		ConstLabels: prometheus.Labels{"version": BuildVersion().Version, "revision": BuildVersion().Revision, "go_version": runtime.Version()},
	})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.latency, m.refused, m.slowBodies, build,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "quarry_pool_waiting", Help: "Requests queued for a database connection now.",
		}, func() float64 { n, _, _ := wait(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "quarry_pool_waits_total", Help: "Requests that queued for a database connection.",
		}, func() float64 { _, n, _ := wait(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "quarry_pool_wait_seconds_total", Help: "Time requests spent queued for a database connection, in all.",
		}, func() float64 { _, _, d := wait(); return d.Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "quarry_pool_in_use", Help: "Database connections in use by requests.",
		}, inUse),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "quarry_database_reachable", Help: "0 while the last statement found the database unreachable, else 1.",
		}, reachable),
		collectors.NewGoCollector(),
	)
	return m
}
