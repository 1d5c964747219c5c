package cli

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestBrowser runs the real client in headless Chromium (Debian's
// chromium, driven by playwright-core) against the sandbox: a page lists,
// creates, and receives the subscription event over wss://.
func TestBrowser(t *testing.T) {
	nodePackages(t, "playwright-core")
	if _, err := exec.LookPath("chromium"); err != nil {
		testdb.Unreachable(t, "Chromium (apt-get install chromium)", err)
	}
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, "CREATE TABLE message (id serial PRIMARY KEY, body text NOT NULL); INSERT INTO message (body) VALUES ('hello')")
	project, _ := generatedProject(t, db)
	startSandbox(t, project, false, nil)
	raw := runNode(t, nil, "browser-test.mjs", filepath.Join(project, "amplify_outputs.json"))
	var out struct {
		Listed  []string
		Created string
		Event   *struct{ Body string }
		Shown   string
		Errors  []string
		Logs    []string
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if len(out.Listed) != 1 || out.Listed[0] != "hello" || out.Created != "from the browser" ||
		out.Event == nil || out.Event.Body != "from the browser" || out.Shown != "from the browser" || len(out.Errors) != 0 {
		t.Errorf("the page saw %s", raw)
	}
}
