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

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
	root := e.rootCommand()
	root.SetArgs([]string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--data", filepath.Join(dir, "amplify", "data"), "--secrets-dir", secretsDir})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/graphql"
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
	deadline := time.Now().Add(10 * time.Second)
	for status("da2-live") != 200 {
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer with the live key")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := status("da2-old"); got != 401 {
		t.Errorf("expired key: %d, want 401", got)
	}
	out := gql(t, url, "da2-live", `{ listVenues { items { name } } }`)
	if !strings.Contains(toJSON(out), "Paradiso") {
		t.Errorf("listVenues = %v", out)
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
