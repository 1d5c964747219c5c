package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestRealClientAgainstSandbox runs the demo project's sandbox and drives
// it with the real aws-amplify client (tests/node/client-crud.mjs), through
// the amplify_outputs.json the sandbox wrote.
func TestRealClientAgainstSandbox(t *testing.T) {
	nodeDir := filepath.Join(repoRoot(t), "tests", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "aws-amplify")); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	stderr := startProjectSandbox(t, dir)

	cmd := exec.Command("node", filepath.Join(nodeDir, "client-crud.mjs"), filepath.Join(dir, "amplify_outputs.json"))
	raw, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("node: %v\n%s\nsandbox:\n%s", err, ee.Stderr, stderr.String())
		}
		t.Fatal(err)
	}
	var out struct {
		List struct {
			Data []struct {
				ID   int    `json:"id"`
				Name string `json:"name"`
			} `json:"data"`
			Errors []any `json:"errors"`
		} `json:"list"`
		Get struct {
			Data struct {
				Name string `json:"name"`
			} `json:"data"`
		} `json:"get"`
		Create struct {
			Data struct {
				ID        int    `json:"id"`
				StartsAt  string `json:"starts_at"`
				CreatedAt string `json:"created_at"`
			} `json:"data"`
			Errors []any `json:"errors"`
		} `json:"create"`
		Update struct {
			Data struct {
				Name string `json:"name"`
			} `json:"data"`
		} `json:"update"`
		Conditional struct {
			Data struct {
				UpdateEvent any `json:"updateEvent"`
			} `json:"data"`
			Errors []struct {
				ErrorType string `json:"errorType"`
			} `json:"errors"`
		} `json:"conditional"`
		Filtered struct {
			Data []any `json:"data"`
		} `json:"filtered"`
		Pages       [][]int  `json:"pages"`
		LazyVenue   []string `json:"lazyVenue"`
		AfterDelete struct {
			Data any `json:"data"`
		} `json:"afterDelete"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if len(out.List.Data) != 2 || out.List.Errors != nil || out.Get.Data.Name != "Blue Note" {
		t.Errorf("list/get: %s", raw)
	}
	if out.Create.Data.ID != 3 || out.Create.Data.StartsAt != "2027-05-01T19:30:00.000Z" || out.Create.Data.CreatedAt == "" {
		t.Errorf("create returned %+v (want the generated id 3, the time as sent, created_at filled)", out.Create)
	}
	if out.Update.Data.Name != "Client night (moved)" {
		t.Errorf("update: %+v", out.Update)
	}
	if out.Conditional.Data.UpdateEvent != nil || len(out.Conditional.Errors) != 1 || out.Conditional.Errors[0].ErrorType != "ConditionalCheckFailedException" {
		t.Errorf("conditional update: %+v", out.Conditional)
	}
	if len(out.Filtered.Data) != 1 {
		t.Errorf("filtered list: %+v", out.Filtered)
	}
	if len(out.Pages) != 3 || out.Pages[0][0] != 1 || out.Pages[2][0] != 3 {
		t.Errorf("pages: %v", out.Pages)
	}
	if len(out.LazyVenue) != 1 || out.LazyVenue[0] != "Late set" {
		t.Errorf("venue.events(): %v", out.LazyVenue)
	}
	if out.AfterDelete.Data != nil {
		t.Errorf("the row is still there after delete: %+v", out.AfterDelete)
	}
}

// nodePackages returns tests/node, whose packages the Node scripts need
// (npm ci there); without them the test skips locally and fails under CI.
func nodePackages(t *testing.T, pkg string) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "tests", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	return dir
}

// runNode runs a script of tests/node with args (and env added to this
// process's) and returns what it printed, failing the test with what it
// said on error.
func runNode(t *testing.T, env []string, script string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("node", append([]string{filepath.Join(repoRoot(t), "tests", "node", script)}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	raw, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("node %s: %v\n%s", script, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return raw
}

// startProjectSandbox runs the sandbox of the project at dir (its
// amplify_outputs.json written once it is ready) until the test ends, and
// returns its log.
func startProjectSandbox(t *testing.T, dir string) *syncBuffer {
	t.Helper()
	stderr := &syncBuffer{}
	e := newEnv(strings.NewReader(""), io.Discard, stderr)
	e.projectFlag = dir
	ctx, cancel := context.WithCancel(context.Background())
	readyc := make(chan struct{}, 1)
	done := make(chan error, 1)
	f := &serveFlags{host: "127.0.0.1", dataDir: filepath.Join(dir, "amplify", "data"), pool: 4,
		queueWait: time.Second, stmtTime: 5 * time.Second}
	go func() { done <- e.runSandbox(ctx, f, func(string, string) { readyc <- struct{}{} }) }()
	select {
	case <-readyc:
	case err := <-done:
		cancel()
		t.Fatalf("sandbox: %v\n%s", err, stderr.String())
	case <-time.After(20 * time.Second):
		cancel()
		<-done
		t.Fatalf("sandbox did not start:\n%s", stderr.String())
	}
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return stderr
}
