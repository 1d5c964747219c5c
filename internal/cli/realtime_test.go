package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestRealtimeRealClient subscribes with the real aws-amplify client
// (tests/node/client-realtime.mjs) over wss:// to the sandbox, on
// PostgreSQL and MariaDB, and checks what each subscriber received.
func TestRealtimeRealClient(t *testing.T) {
	nodeDir := filepath.Join(repoRoot(t), "tests", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "ws")); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			a := startAuthz(t, db)
			e := newEnv(strings.NewReader(""), nil, nil)
			e.projectFlag = a.project
			_, caPath, err := e.sandboxTLS("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("node", filepath.Join(nodeDir, "client-realtime.mjs"),
				filepath.Join(a.project, "amplify_outputs.json"), a.tokens["alice"], a.tokens["bob"])
			cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+caPath)
			raw, err := cmd.Output()
			if err != nil {
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					t.Fatalf("node: %v\n%s", err, ee.Stderr)
				}
				t.Fatal(err)
			}
			type note struct {
				ID     int     `json:"id"`
				Title  string  `json:"title"`
				Owner  string  `json:"owner"`
				Secret *string `json:"secret"`
			}
			var out struct {
				KeyCreate, KeyUpdate, KeyDelete, Alice, Bob []note
				Observed                                    []struct {
					IsSynced bool
					Titles   []string
				}
				Errors []any
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			titles := func(ns []note) string {
				var s []string
				for _, n := range ns {
					s = append(s, n.Title)
				}
				return strings.Join(s, ",")
			}
			defer func() {
				if t.Failed() {
					t.Logf("node printed: %s", raw)
				}
			}()
			if len(out.Errors) > 0 {
				t.Errorf("subscription errors: %v", out.Errors)
			}
			// The filter keeps "other" out; the API key reads notes but not
			// their owner-protected secret.
			if got := titles(out.KeyCreate); got != "rt-1" {
				t.Errorf("onCreate (filtered): %q\n%s", got, raw)
			}
			for _, n := range append(append(out.KeyCreate, out.Alice...), out.KeyUpdate...) {
				if n.Secret != nil {
					t.Errorf("secret %q in a payload", *n.Secret)
				}
			}
			if got := titles(out.KeyUpdate); got != "rt-1b" {
				t.Errorf("onUpdate: %q", got)
			}
			if got := titles(out.KeyDelete); got != "rt-1b" {
				t.Errorf("onDelete: %q", got)
			}
			// Alice's own subscription gets both of her notes; bob, whose
			// owner rule does not cover them, gets nothing.
			if got := titles(out.Alice); got != "rt-1,other" || out.Alice[0].Owner != owner("alice") {
				t.Errorf("alice: %q %+v", got, out.Alice)
			}
			if len(out.Bob) != 0 {
				t.Errorf("bob received alice's notes: %+v", out.Bob)
			}
			// observeQuery: synced list, then the create, update and delete.
			var states []string
			for _, o := range out.Observed {
				states = append(states, fmt.Sprintf("%v%v", o.IsSynced, o.Titles))
			}
			want := []string{"true[rt-1]", "true[rt-1b]", "true[]"}
			if got := strings.Join(states, " "); !strings.HasSuffix(got, strings.Join(want, " ")) {
				t.Errorf("observeQuery states: %s", got)
			}
		})
	}
}
