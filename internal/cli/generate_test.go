package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/testdb"
)

// run calls Main as the shell would and returns its streams.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// isolate gives the test its own user config directory and project.
func isolate(t *testing.T) (project string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	return t.TempDir()
}

var identifierLine = regexp.MustCompile(`identifier: "ID[A-Za-z0-9]+"`)

// normalise hides what differs between runs only because each test gets a
// database with a random name.
func normalise(s string) string {
	return identifierLine.ReplaceAllString(s, `identifier: "ID_normalised_for_golden_test"`)
}

// generateBoth stores uri as a secret and generates both output forms.
func generateBoth(t *testing.T, project, uri string, extra ...string) (sdlOut, tsOut, stderr string) {
	t.Helper()
	if code, _, errs := run(t, uri, "sandbox", "secret", "set", "DB_URI", "--project", project); code != 0 {
		t.Fatalf("secret set: %s", errs)
	}
	var errs strings.Builder
	for _, out := range []string{"schema.sql.graphql", "schema.sql.ts"} {
		args := append([]string{"generate", "schema-from-database", "--connection-uri-secret", "DB_URI",
			"--project", project, "--out", filepath.Join(project, "amplify", "data", out)}, extra...)
		code, _, e := run(t, "", args...)
		if code != 0 {
			t.Fatalf("generate %s exited %d:\n%s", out, code, e)
		}
		errs.WriteString(e)
	}
	read := func(name string) string {
		raw, err := os.ReadFile(filepath.Join(project, "amplify", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	return read("schema.sql.graphql"), read("schema.sql.ts"), errs.String()
}

func TestGenerateGolden(t *testing.T) {
	cases := []struct {
		name  string
		load  func(t *testing.T, db *testdb.DB)
		extra []string
		skips []string // tables the warning must list
	}{
		{name: "fixture", load: func(t *testing.T, db *testdb.DB) { db.LoadFixture(t) }},
		{name: "chinook", load: func(t *testing.T, db *testdb.DB) { db.LoadChinook(t, true) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *testdb.DB) {
				c.load(t, db)
				project := isolate(t)
				var extra []string
				if db.Engine == testdb.Postgres && c.name == "fixture" {
					extra = []string{"--schema", "public,sales"}
				}
				sdlOut, tsOut, stderr := generateBoth(t, project, db.URI, extra...)
				base := filepath.Join("testdata", db.Engine+"_"+c.name)
				golden.Assert(t, base+".graphql", normalise(sdlOut))
				golden.Assert(t, base+".ts", normalise(tsOut))
				if c.name == "fixture" && !strings.Contains(stderr, "Warning: not served") {
					t.Errorf("no warning about tables without a key:\n%s", stderr)
				}
				if c.name == "chinook" && strings.Contains(stderr, "Warning") {
					t.Errorf("chinook has a key on every table, but:\n%s", stderr)
				}
			})
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.LoadFixture(t)
		project := isolate(t)
		a1, b1, _ := generateBoth(t, project, db.URI)
		a2, b2, _ := generateBoth(t, project, db.URI)
		if a1 != a2 || b1 != b2 {
			t.Error("two runs on the same database wrote different files")
		}
		if !identifierLine.MatchString(b1) {
			t.Error("no identifier in the .ts output")
		}
	})
}

func TestGenerateWarnsOnceAboutEveryUnkeyedRelation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.LoadFixture(t)
		_, _, stderr := generateBoth(t, isolate(t), db.URI)
		first := stderr[:strings.Index(stderr, "Wrote ")]
		if n := strings.Count(first, "Warning:"); n != 1 {
			t.Fatalf("%d warnings before the first write, want 1:\n%s", n, stderr)
		}
		for _, want := range []string{"event_log", "no primary key", "ADD PRIMARY KEY", "view"} {
			if !strings.Contains(first, want) {
				t.Errorf("warning does not mention %q:\n%s", want, first)
			}
		}
	})
}

// TestGeneratedTSLoadsWithDataSchema loads every golden .ts file with the
// real @aws-amplify/data-schema package and calls transform().
func TestGeneratedTSLoadsWithDataSchema(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ts")
	if len(files) == 0 {
		t.Fatal("no .ts golden files")
	}
	nodeDir := filepath.Join(repoRoot(t), "tests", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "@aws-amplify", "data-schema")); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		testdb.Unreachable(t, "node", err)
	}
	for i := range files {
		files[i], _ = filepath.Abs(files[i])
	}
	cmd := exec.Command("node", append([]string{filepath.Join(nodeDir, "check-schema.mjs")}, files...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct {
			File  string `json:"file"`
			OK    bool   `json:"ok"`
			Error string `json:"error"`
			SDL   string `json:"sdl"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("node printed %q: %v", sc.Text(), err)
		}
		seen++
		if !r.OK {
			t.Errorf("%s: transform() failed:\n%s", filepath.Base(r.File), r.Error)
			continue
		}
		if !strings.Contains(r.SDL, "@model(timestamps: null)") {
			t.Errorf("%s: transform() gave no SQL models:\n%s", filepath.Base(r.File), r.SDL)
		}
	}
	if seen != len(files) {
		t.Fatalf("node reported on %d of %d files:\n%s", seen, len(files), out)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("go.mod not found")
		}
		dir = filepath.Dir(dir)
	}
}
