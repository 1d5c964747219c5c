package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// scrape reads a metric's value from /metrics: name{labels} with the
// labels as Prometheus prints them (sorted by name); -1 when absent.
func scrape(t *testing.T, metricsURL, series string) float64 {
	t.Helper()
	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatalf("%s: %v", series, err)
	}
	return v
}

// pollMetric waits until series has the value want (subscriptions end
// asynchronously), failing after 10s.
func pollMetric(t *testing.T, metricsURL, series string, want float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := scrape(t, metricsURL, series)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %v", series, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeMetrics runs queries, a failing mutation and a subscription
// against `quarry serve` on the demo database and reads /metrics as
// Prometheus would: the statement histogram by root field (an alias is
// not a label), statement errors by kind, and the subscription gauges
// going up and back down with the events delivered counted.
func TestServeMetrics(t *testing.T) {
	port := freePort(t)
	url := startServe(t, "--metrics-addr", "127.0.0.1:"+strconv.Itoa(port))
	metrics := "http://127.0.0.1:" + strconv.Itoa(port) + "/metrics"

	for _, q := range []string{`{ listVenues { items { name } } }`, `{ mine: listVenues { items { name } } }`} {
		if out := gql(t, url, "da2-live", q); out["errors"] != nil {
			t.Fatalf("%s: %v", q, out["errors"])
		}
	}
	if got := scrape(t, metrics, `quarry_statement_duration_seconds_count{field="listVenues",operation="list"}`); got != 2 {
		t.Errorf("listVenues statements counted: %v, want 2", got)
	}
	if got := scrape(t, metrics, `quarry_statement_duration_seconds_count{field="mine",operation="list"}`); got != -1 {
		t.Errorf("an alias became a label value: %v", got)
	}
	// Seat A1 of event 1 is taken: a unique violation.
	if out := gql(t, url, "da2-live", `mutation { createTicket(input: {event_id: 1, seat: "A1"}) { seat } }`); out["errors"] == nil {
		t.Fatalf("a taken seat was sold: %v", out)
	}
	if got := scrape(t, metrics, `quarry_statement_errors_total{field="createTicket",kind="CONFLICT",operation="create"}`); got != 1 {
		t.Errorf("createTicket conflicts counted: %v, want 1", got)
	}

	const proto = `protocol="graphql-transport-ws"`
	sockets, active := `quarry_subscription_sockets{`+proto+`}`, `quarry_subscriptions_active{`+proto+`}`
	delivered := `quarry_subscription_events_delivered_total{` + proto + `}`
	before := scrape(t, metrics, `quarry_subscription_events_received_total`)
	sub := dialTransport(t, url, map[string]any{"x-api-key": "da2-live"})
	sub.send(map[string]any{"id": "v", "type": "subscribe", "payload": map[string]any{"query": `subscription { onCreateVenue { name } }`}})
	pollMetric(t, metrics, sockets, 1)
	pollMetric(t, metrics, active, 1)
	if out := gql(t, url, "da2-live", `mutation { createVenue(input: {name: "Metrics Hall", city: "Oslo"}) { id } }`); out["errors"] != nil {
		t.Fatalf("createVenue: %v", out["errors"])
	}
	if m := sub.read(); m["type"] != "next" {
		t.Fatalf("subscriber got %v", m)
	}
	if got := scrape(t, metrics, delivered); got != 1 {
		t.Errorf("events delivered: %v, want 1", got)
	}
	if got := scrape(t, metrics, `quarry_subscription_events_received_total`); got != before+1 {
		t.Errorf("events received: %v, want %v", got, before+1)
	}
	sub.send(map[string]any{"id": "v", "type": "complete"})
	pollMetric(t, metrics, active, 0)
	_ = sub.ws.CloseNow()
	pollMetric(t, metrics, sockets, 0)
	if got := scrape(t, metrics, `quarry_subscription_slow_consumer_closes_total{`+proto+`,reason="queue_full"}`); got != 0 {
		t.Errorf("slow consumer closes: %v, want 0", got)
	}
}

// collector is an OTLP/HTTP trace collector of the test's own: it keeps
// every span it is sent.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	var req coltracepb.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(raw, &req)
	}
	if r.URL.Path != "/v1/traces" || err != nil {
		http.Error(w, fmt.Sprintf("path %s: %v", r.URL.Path, err), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
	c.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// trace returns the spans of trace id received so far, by name.
func (c *collector) trace(id []byte) map[string]*tracepb.Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]*tracepb.Span{}
	for _, s := range c.spans {
		if bytes.Equal(s.TraceId, id) {
			out[s.Name] = s
		}
	}
	return out
}

func attr(s *tracepb.Span, key string) (string, bool) {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return anyValue(kv.Value), true
		}
	}
	return "", false
}

func anyValue(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// TestServeTracing sends requests with a W3C traceparent to `quarry serve
// --otlp-endpoint` (with --debug, so statements carry their SQL text) and
// reads what a collector received: the request's server span is a child
// of the caller's span, with a span per pipeline stage and one per
// statement, and no bound value in any attribute.
func TestServeTracing(t *testing.T) {
	col := &collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	// Batches go out every 50ms rather than every 5s.
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "50")
	url := startServe(t, "--otlp-endpoint", srv.URL, "--debug")

	const traceHex, parentHex = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	const secret = "Secret-Bound-Value-7Q"
	send := func(query string, vars map[string]any) (string, map[string]any) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars, "operationName": "Traced"})
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("x-api-key", "da2-live")
		req.Header.Set("traceparent", "00-"+traceHex+"-"+parentHex+"-01")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.Header.Get("x-amzn-RequestId"), out
	}
	reqID, out := send(`query Traced($name: String) { listVenues(filter: {name: {ne: $name}}) { items { name } } }`, map[string]any{"name": secret})
	if out["errors"] != nil {
		t.Fatalf("listVenues: %v", out["errors"])
	}
	if _, out = send(`mutation Traced($city: String!) { createVenue(input: {name: "Traced Hall", city: $city}) { id } }`, map[string]any{"city": secret}); out["errors"] != nil {
		t.Fatalf("createVenue: %v", out["errors"])
	}

	// Seat A1 of event 1 is taken: the statement fails as a conflict.
	if _, out = send(`mutation Traced { createTicket(input: {event_id: 1, seat: "A1"}) { seat } }`, nil); out["errors"] == nil {
		t.Fatalf("a taken seat was sold: %v", out)
	}

	traceID, _ := hex.DecodeString(traceHex)
	parentID, _ := hex.DecodeString(parentHex)
	want := []string{"POST /graphql", "parse+validate", "variables", "plan", "run", "field listVenues", "SELECT listVenues", "field createVenue", "INSERT createVenue", "INSERT createTicket"}
	var spans map[string]*tracepb.Span
	deadline := time.Now().Add(15 * time.Second)
	for {
		spans = col.trace(traceID)
		missing := ""
		for _, n := range want {
			if spans[n] == nil {
				missing = n
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			names := []string{}
			for n := range spans {
				names = append(names, n)
			}
			t.Fatalf("no span %q in trace %s after 15s; spans: %v", missing, traceHex, names)
		}
		time.Sleep(50 * time.Millisecond)
	}

	col.mu.Lock()
	var requests []*tracepb.Span
	for _, s := range col.spans {
		if s.Name == "POST /graphql" && bytes.Equal(s.TraceId, traceID) {
			requests = append(requests, s)
		}
	}
	col.mu.Unlock()
	root := requests[0]
	for _, r := range requests {
		if id, _ := attr(r, "quarry.request_id"); id == reqID {
			root = r
		}
	}
	if !bytes.Equal(root.ParentSpanId, parentID) || root.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("request span: parent %x kind %v, want parent %s, server", root.ParentSpanId, root.Kind, parentHex)
	}
	if id, _ := attr(root, "quarry.request_id"); id != reqID {
		t.Errorf("request span's request id %q, the response's %q", id, reqID)
	}
	if name, _ := attr(root, "graphql.operation.name"); name != "Traced" {
		t.Errorf("operation name %q", name)
	}
	stmt := spans["SELECT listVenues"]
	field := spans["field listVenues"]
	// A failure is recorded as its kind, never its message (which may
	// quote the row).
	if failed := spans["INSERT createTicket"]; failed.Status.GetCode() != tracepb.Status_STATUS_CODE_ERROR || failed.Status.GetMessage() != "CONFLICT" {
		t.Errorf("failed statement's status: %v", failed.Status)
	}
	byID := map[string]*tracepb.Span{}
	col.mu.Lock()
	for _, s := range col.spans {
		byID[string(s.SpanId)] = s
	}
	col.mu.Unlock()
	chain := []string{stmt.Name}
	for s := stmt; s != nil && len(s.ParentSpanId) > 0; {
		s = byID[string(s.ParentSpanId)]
		if s != nil {
			chain = append(chain, s.Name)
		}
	}
	if got := strings.Join(chain, " < "); got != "SELECT listVenues < field listVenues < run < POST /graphql" || !bytes.Equal(field.ParentSpanId, byID[string(field.ParentSpanId)].SpanId) {
		t.Errorf("statement span's ancestry: %s", got)
	}
	for key, want := range map[string]string{"db.system": "sqlite", "db.operation": "SELECT", "quarry.field": "listVenues", "graphql.operation.type": "query"} {
		if got, _ := attr(stmt, key); got != want {
			t.Errorf("statement span %s = %q, want %q", key, got, want)
		}
	}
	if sql, _ := attr(stmt, "db.statement"); !strings.Contains(strings.ToUpper(sql), "SELECT") {
		t.Errorf("with --debug, db.statement = %q", sql)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	for _, s := range col.spans {
		for _, kv := range s.Attributes {
			if strings.Contains(anyValue(kv.Value), secret) {
				t.Errorf("span %q attribute %s holds a bound value: %s", s.Name, kv.Key, anyValue(kv.Value))
			}
		}
	}
}

// TestServeTracingWebSocket: a WebSocket upgraded with a traceparent is
// a span of the caller's trace for as long as it stays open, and what
// runs over it (a query over graphql-transport-ws) is part of that trace.
func TestServeTracingWebSocket(t *testing.T) {
	col := &collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "50")
	url := startServe(t, "--otlp-endpoint", srv.URL)

	const traceHex = "0af7651916cd43dd8448eb211c80319c"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(url, "http://"), &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Traceparent": {"00-" + traceHex + "-b7ad6b7169203331-01"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	c := &wsClient{t: t, ws: ws}
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": "da2-live"}})
	if m := c.read(); m["type"] != "connection_ack" {
		t.Fatalf("ack: %v", m)
	}
	c.send(map[string]any{"id": "q", "type": "subscribe", "payload": map[string]any{"query": `{ listVenues { items { name } } }`}})
	if m := c.read(); m["type"] != "next" {
		t.Fatalf("query over the socket: %v", m)
	}
	_ = ws.Close(websocket.StatusNormalClosure, "")

	traceID, _ := hex.DecodeString(traceHex)
	deadline := time.Now().Add(15 * time.Second)
	for {
		spans := col.trace(traceID)
		conn, stmt := spans["WebSocket /graphql"], spans["SELECT listVenues"]
		if conn != nil && stmt != nil {
			if conn.Kind != tracepb.Span_SPAN_KIND_SERVER {
				t.Errorf("socket span kind %v", conn.Kind)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("spans of the socket's trace after 15s: %v", spans)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
