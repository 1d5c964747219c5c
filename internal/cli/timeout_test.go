package cli

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRequestTimeoutBoundsTheWholeRequest: with a request deadline too
// short for any database work, a query fails cleanly instead of running on.
func TestRequestTimeoutBoundsTheWholeRequest(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
	e.projectFlag = dir
	ctx, cancel := context.WithCancel(context.Background())
	type ready struct{ url, key string }
	readyc := make(chan ready, 1)
	done := make(chan error, 1)
	f := &serveFlags{host: "127.0.0.1", dataDir: filepath.Join(dir, "amplify", "data"), pool: 2,
		queueWait: time.Second, stmtTime: 5 * time.Second, reqTime: time.Nanosecond}
	go func() { done <- e.runSandbox(ctx, f, func(u, k string) { readyc <- ready{u, k} }) }()
	var r ready
	select {
	case r = <-readyc:
	case err := <-done:
		t.Fatal(err)
	}
	defer func() {
		cancel()
		<-done
	}()
	out := gql(t, r.url, r.key, `{ listEvents { items { id } } }`)
	if out["errors"] == nil {
		t.Fatalf("a request past its deadline succeeded: %v", out)
	}
}
