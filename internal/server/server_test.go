package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/schema"
)

// start serves an engine without a database: introspection and validation
// errors need none.
func start(t *testing.T, keys []auth.APIKey) string {
	t.Helper()
	return startWith(t, keys, nil)
}

// startWith is start with configure applied to the server first.
func startWith(t *testing.T, keys []auth.APIKey, configure func(*Server)) string {
	t.Helper()
	s := &schema.Schema{Models: []*schema.Model{{Name: "Event", Table: schema.TableRef{Name: "event"},
		Fields: []*schema.Field{{Name: "id", Column: "id", Type: schema.Int, Required: true}}, PrimaryKey: []string{"id"}}}}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(auth.Config{APIKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(&pipeline.Engine{API: a}, authn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if configure != nil {
		configure(srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func post(t *testing.T, url, key, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(body))
	req.Header.Set("content-type", "application/json; charset=UTF-8")
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("body %q: %v", raw, err)
	}
	return resp, out
}

func TestAPIKeys(t *testing.T) {
	url := start(t, []auth.APIKey{{ID: "good", Value: "da2-good"}, {ID: "old", Value: "da2-old", Expires: time.Now().Add(-time.Hour)}})
	for key, msg := range map[string]string{"": "No credentials", "da2-wrong": "not authorized", "da2-old": "expired"} {
		resp, body := post(t, url, key, `{"query": "{ __typename }"}`)
		if resp.StatusCode != 401 || resp.Header.Get("x-amzn-ErrorType") != "UnauthorizedException" || !strings.Contains(fmt.Sprint(body), msg) {
			t.Errorf("key %q: status %d %v, want a message with %q", key, resp.StatusCode, body, msg)
		}
	}
	resp, body := post(t, url, "da2-good", `{"query": "{ __typename }", "variables": {}}`)
	if resp.StatusCode != 200 || body["data"].(map[string]any)["__typename"] != "Query" {
		t.Fatalf("status %d body %v", resp.StatusCode, body)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		t.Error("no request id")
	}
}

func TestBadRequestsGetOneClearError(t *testing.T) {
	url := start(t, []auth.APIKey{{ID: "k", Value: "k"}})
	for _, body := range []string{`not json`, `{"variables": {}}`, `{"query": "{ nope }"}`, `{"query": "{"}`} {
		resp, out := post(t, url, "k", body)
		errs, _ := out["errors"].([]any)
		if len(errs) != 1 {
			t.Errorf("%s: status %d, %v", body, resp.StatusCode, out)
			continue
		}
		if msg := errs[0].(map[string]any)["message"].(string); msg == "" {
			t.Errorf("%s: empty message", body)
		}
	}
}

func TestPreflightHealthAndMetrics(t *testing.T) {
	url := start(t, []auth.APIKey{{ID: "k", Value: "k"}})
	req, _ := http.NewRequest(http.MethodOptions, url+"/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Headers", "x-api-key,content-type,x-amz-user-agent")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "x-api-key") ||
		resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	post(t, url, "k", `{"query": "{ __typename }"}`)
	for path, want := range map[string]string{"/healthz": `"ok"`, "/metrics": "quarry_requests_total", "/": "GraphiQL"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(raw), want) {
			t.Errorf("%s: %d %.200s", path, resp.StatusCode, raw)
		}
	}
}
