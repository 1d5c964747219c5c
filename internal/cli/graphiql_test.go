package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestGraphiQLOffline opens the sandbox's GraphiQL in headless Chromium
// with no network but loopback: the page loads (everything from Quarry
// itself), runs a query given in the URL with the API key it was opened
// with, shows a subscription's event for a row created over HTTP, and
// sends a token given as ?token= as the Authorization header. A
// screenshot goes to $QUARRY_GRAPHIQL_SHOT, else the test's temp folder.
func TestGraphiQLOffline(t *testing.T) {
	nodePackages(t, "playwright-core")
	if _, err := exec.LookPath("chromium"); err != nil {
		testdb.Unreachable(t, "Chromium (apt-get install chromium)", err)
	}
	db := testdb.New(t, testdb.SQLite)
	db.Exec(t, "CREATE TABLE message (id INTEGER PRIMARY KEY, body TEXT NOT NULL); INSERT INTO message (body) VALUES ('hello')")
	project, _ := generatedProject(t, db)
	url, key := startSandboxWith(t, project, func(f *serveFlags) { f.exposure.graphiql = true })
	base := strings.TrimSuffix(url, "/graphql")
	code, token, errs := run(t, "", "sandbox", "token", "--user", "alice", "--project", project)
	if code != 0 {
		t.Fatalf("sandbox token: %s", errs)
	}
	token = strings.TrimSpace(token)
	shot := os.Getenv("QUARRY_GRAPHIQL_SHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "graphiql.png")
	}
	raw := runNode(t, nil, "graphiql-test.mjs", base, key, token, shot)
	var out struct {
		Requests, Sockets, Failed, Errors, Console, OffOrigin, Status []string
		Headers, TokenHeaders                                         string
		Query, Subscription, Failure, Text                            string
		Created                                                       []*string
		Introspected                                                  int
		TokenHeader                                                   *string
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if out.Failure != "" {
		t.Fatalf("in the page: %s\npage errors: %q\nconsole: %q\nfailed requests: %q\nthe page shows: %.1000s", out.Failure, out.Errors, out.Console, out.Failed, out.Text)
	}
	t.Logf("the page made %d requests and %d WebSocket connections", len(out.Requests), len(out.Sockets))
	if len(out.OffOrigin) > 0 || len(out.Failed) > 0 {
		t.Errorf("requests off the server's origin %q, failed %q", out.OffOrigin, out.Failed)
	}
	if len(out.Errors) > 0 || len(out.Console) > 0 || len(out.Status) > 0 {
		t.Errorf("page errors %q, console errors and warnings %q, HTTP errors %q", out.Errors, out.Console, out.Status)
	}
	if out.Introspected < 2 {
		t.Errorf("the schema was fetched %d times, want once per page load (the docs and completion need it)", out.Introspected)
	}
	if !strings.Contains(out.Headers, `"x-api-key": "`+key+`"`) {
		t.Errorf("headers editor shows %q, want the API key", out.Headers)
	}
	if !strings.Contains(out.Query, `"body": "hello"`) {
		t.Errorf("query result panel: %q", out.Query)
	}
	if len(out.Created) == 0 || out.Created[0] == nil {
		t.Errorf("creating rows over HTTP: %v", out.Created)
	}
	if !strings.Contains(out.Subscription, `"onCreateMessage"`) || !strings.Contains(out.Subscription, `"body": "from the test`) {
		t.Errorf("subscription result panel after %d rows: %q", len(out.Created), out.Subscription)
	}
	var ws bool
	for _, s := range out.Sockets {
		ws = ws || s == "ws"+strings.TrimPrefix(base, "http")+"/graphql"
	}
	if !ws {
		t.Errorf("no graphql-transport-ws connection to /graphql: %q", out.Sockets)
	}
	if out.TokenHeader == nil || *out.TokenHeader != token || !strings.Contains(out.TokenHeaders, `"Authorization": "`+token+`"`) {
		t.Errorf("with ?token=: sent authorization %v, headers editor %q", out.TokenHeader, out.TokenHeaders)
	}
	if t.Failed() {
		t.Logf("console: %q\nHTTP errors: %q", out.Console, out.Status)
	}
}
