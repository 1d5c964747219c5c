package cli

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeReadsProductionSecrets runs `quarry serve` with its secrets in
// the environment and a --secrets-dir, as in production: keys from
// API_KEYS (an expired one refused), the database URI from a file, no
// sandbox store involved.
func TestServeReadsProductionSecrets(t *testing.T) {
	url := startServe(t)
	status := func(key string) int {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query": "{ listVenues { items { name } } }"}`))
		req.Header.Set("x-api-key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("da2-old"); got != 401 {
		t.Errorf("expired key: %d, want 401", got)
	}
	out := gql(t, url, "da2-live", `{ listVenues { items { name } } }`)
	if !strings.Contains(toJSON(out), "Paradiso") {
		t.Errorf("listVenues = %v", out)
	}
}

// TestServeShowsOnlyTheAPIUnlessAsked: in production GraphiQL, /metrics on
// the API's port and introspection are off by default; flags turn them on,
// /metrics on an address of its own.
func TestServeShowsOnlyTheAPIUnlessAsked(t *testing.T) {
	get := func(u string) int {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	introspect := func(url string) string { return toJSON(gql(t, url, "da2-live", `{ __schema { queryType { name } } }`)) }

	url := startServe(t)
	base := strings.TrimSuffix(url, "/graphql")
	if got := get(base + "/"); got != 404 {
		t.Errorf("GraphiQL by default: %d, want 404", got)
	}
	if got := get(base + "/metrics"); got != 404 {
		t.Errorf("/metrics on the API's port by default: %d, want 404", got)
	}
	if got := introspect(url); !strings.Contains(got, "--introspection") {
		t.Errorf("introspection by default: %s", got)
	}
	if got := toJSON(gql(t, url, "da2-live", `{ __typename }`)); !strings.Contains(got, `"Query"`) {
		t.Errorf("__typename: %s", got)
	}

	metrics := freePort(t)
	url = startServe(t, "--graphiql", "--introspection", "--metrics-addr", "127.0.0.1:"+strconv.Itoa(metrics))
	base = strings.TrimSuffix(url, "/graphql")
	if got := get(base + "/"); got != 200 {
		t.Errorf("--graphiql: %d", got)
	}
	if got := introspect(url); !strings.Contains(got, `"Query"`) {
		t.Errorf("--introspection: %s", got)
	}
	if got := get("http://127.0.0.1:" + strconv.Itoa(metrics) + "/metrics"); got != 200 {
		t.Errorf("--metrics-addr: %d", got)
	}
	if got := get(base + "/metrics"); got != 404 {
		t.Errorf("/metrics also on the API's port with --metrics-addr: %d", got)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startServe runs `quarry serve` on the demo database with production
// secrets (API keys da2-live and an expired da2-old) and the extra flags,
// waits until it answers and returns its GraphQL URL.
func startServe(t *testing.T, extra ...string) string {
	t.Helper()
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	// Production has no sandbox store: the URI comes as a file.
	secretsDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(secretsDir, "SQL_CONNECTION_STRING"), []byte("sqlite://"+filepath.Join(dir, "demo.db")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // an empty sandbox store
	t.Setenv("API_KEYS", "da2-live, da2-old:2020-01-01T00:00:00Z")
	port := freePort(t)

	ctx, cancel := context.WithCancel(context.Background())
	e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
	root := e.rootCommand()
	root.SetArgs(append([]string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--data", filepath.Join(dir, "amplify", "data"), "--secrets-dir", secretsDir}, extra...))
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})

	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/graphql"
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query": "{ __typename }"}`))
		req.Header.Set("x-api-key", "da2-live")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer with the live key")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func toJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// serve with --broker signs events with --token-secret, shared by the
// instances: without it, it refuses to start and says what to set.
func TestServeBrokerNeedsASharedKey(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	t.Setenv("SQL_CONNECTION_STRING", "sqlite://"+filepath.Join(dir, "demo.db"))
	t.Setenv("API_KEYS", "da2-live")
	code, _, errs := run(t, "", "serve", "--host", "127.0.0.1", "--port", "0", "--data", filepath.Join(dir, "amplify", "data"),
		"--broker", "nats://127.0.0.1:4222")
	if code == 0 || !strings.Contains(errs, "--token-secret") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
