package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/schema"
)

// TestProductionSwitches: GraphiQL and /metrics can be taken off the API's
// port, and CORS headers go only to allowed origins.
func TestProductionSwitches(t *testing.T) {
	url := startWith(t, testKey, func(s *Server) {
		s.GraphiQL = false
		s.MetricsOnMain = false
		s.CORSOrigins = []string{"https://app.example.com"}
	})
	for _, path := range []string{"/", "/metrics"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404 when switched off", path, resp.StatusCode)
		}
	}
	for origin, allowed := range map[string]bool{"https://app.example.com": true, "https://evil.example": false} {
		req, _ := http.NewRequest(http.MethodOptions, url+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Headers", "x-api-key,content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); (got == origin) != allowed || (!allowed && got != "") {
			t.Errorf("origin %s: Access-Control-Allow-Origin %q, allowed %v", origin, got, allowed)
		}
	}
	// The API itself still answers.
	resp, body := post(t, url, "k", `{"query": "{ __typename }"}`)
	if resp.StatusCode != 200 || body["data"] == nil {
		t.Errorf("API: %d %v", resp.StatusCode, body)
	}
}

// TestMetricsHandlerServesElsewhere: the handler for --metrics-addr has
// the server's metrics.
func TestMetricsHandlerServesElsewhere(t *testing.T) {
	srv := New(nil, nil, nil)
	rec := httptest.NewRecorder()
	srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "quarry_pool_in_use") {
		t.Errorf("metrics: %.300s", rec.Body.String())
	}
}

// TestAccessLog: with AccessLog, each GraphQL request gets one log line
// with its id, operation and outcome.
func TestAccessLog(t *testing.T) {
	s := &schema.Schema{Models: []*schema.Model{{Name: "Event", Table: schema.TableRef{Name: "event"},
		Fields: []*schema.Field{{Name: "id", Column: "id", Type: schema.Int, Required: true}}, PrimaryKey: []string{"id"}}}}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(auth.Config{APIKeys: testKey})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv := New(&pipeline.Engine{API: a}, authn, slog.New(slog.NewTextHandler(&logs, nil)))
	srv.AccessLog = true
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	resp, body := post(t, hs.URL, "k", `{"query": "{ __typename }"}`)
	if resp.StatusCode != 200 || body["data"] == nil {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
	line := logs.String()
	if strings.Count(line, "msg=request") != 1 || !strings.Contains(line, "request_id="+resp.Header.Get("x-amzn-RequestId")) ||
		!strings.Contains(line, "operation=introspection") || !strings.Contains(line, "status=ok") || !strings.Contains(line, "duration=") {
		t.Errorf("access log: %q", line)
	}
}
