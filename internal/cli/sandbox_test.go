package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the sandbox's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func gql(t *testing.T, url, key, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{}})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("x-api-key", key)
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return out
}

// TestSandboxServesAndReloads runs the demo project's sandbox: it answers
// the client's queries, writes amplify_outputs.json, picks up a new
// resource.graphql, and keeps the last good schema when an edit breaks it.
func TestSandboxServesAndReloads(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	var stderr syncBuffer
	e := newEnv(strings.NewReader(""), io.Discard, &stderr)
	e.projectFlag = dir
	ctx, cancel := context.WithCancel(context.Background())
	type ready struct{ url, key string }
	readyc := make(chan ready, 1)
	done := make(chan error, 1)
	f := &serveFlags{host: "127.0.0.1", port: 0, dataDir: filepath.Join(dir, "amplify", "data"), pool: 4,
		queueWait: time.Second, stmtTime: 5 * time.Second}
	go func() {
		done <- e.runSandbox(ctx, f, func(url, key string) { readyc <- ready{url, key} })
	}()
	var r ready
	select {
	case r = <-readyc:
	case err := <-done:
		t.Fatalf("sandbox stopped: %v\n%s", err, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("sandbox did not start:\n%s", stderr.String())
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sandbox: %v", err)
		}
	}()

	out := gql(t, r.url, r.key, `{ listEvents { items { id name venue { name } __typename } } }`)
	items := out["data"].(map[string]any)["listEvents"].(map[string]any)["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["venue"].(map[string]any)["name"] != "Blue Note" {
		t.Fatalf("listEvents = %v", out)
	}

	raw, err := os.ReadFile(filepath.Join(dir, "amplify_outputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var outputs struct {
		Version string `json:"version"`
		Data    struct {
			URL    string `json:"url"`
			APIKey string `json:"api_key"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &outputs); err != nil || outputs.Data.URL != r.url || outputs.Data.APIKey != r.key || !strings.HasPrefix(outputs.Version, "1") {
		t.Fatalf("amplify_outputs.json = %s (%v)", raw, err)
	}

	// A customisation: rename the model; the sandbox reloads.
	res := filepath.Join(dir, "amplify", "data", "resource.graphql")
	if err := os.WriteFile(res, []byte("extend type event @rename(to: \"Event\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		o := gql(t, r.url, r.key, `{ listEvents(limit: 1) { items { __typename } } }`)
		d, _ := o["data"].(map[string]any)
		if d == nil || d["listEvents"] == nil {
			return false
		}
		its := d["listEvents"].(map[string]any)["items"].([]any)
		return len(its) == 1 && its[0].(map[string]any)["__typename"] == "Event"
	}, &stderr)

	// A broken edit: reported with its position; the last good schema serves on.
	if err := os.WriteFile(res, []byte("extend type event @rename(to: \"Event\") {\n  nope: String\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(stderr.String(), "still serving the last good one") }, &stderr)
	if !strings.Contains(stderr.String(), "resource.graphql:2:") {
		t.Errorf("the error has no file:line:col:\n%s", stderr.String())
	}
	o := gql(t, r.url, r.key, `{ listEvents(limit: 1) { items { __typename } } }`)
	if o["data"] == nil || o["errors"] != nil {
		t.Errorf("after a broken edit: %v", o)
	}
}

func waitFor(t *testing.T, cond func() bool, log *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out; sandbox said:\n%s", log.String())
}
