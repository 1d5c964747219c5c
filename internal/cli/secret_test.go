package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

func TestSecretLifecycle(t *testing.T) {
	project := isolate(t)
	cfgDir := os.Getenv("XDG_CONFIG_HOME")
	const value = "postgres://app:pa55-word@db.example.com/shop"

	if code, _, errs := run(t, value+"\n", "sandbox", "secret", "set", "SQL_CONNECTION_STRING", "--project", project); code != 0 {
		t.Fatalf("set: %s", errs)
	}
	code, out, _ := run(t, "", "sandbox", "secret", "get", "SQL_CONNECTION_STRING", "--project", project)
	if code != 0 || out != value+"\n" {
		t.Fatalf("get = %d %q", code, out)
	}
	code, out, _ = run(t, "", "sandbox", "secret", "list", "--project", project)
	if code != 0 || out != "SQL_CONNECTION_STRING\n" {
		t.Fatalf("list = %d %q", code, out)
	}

	files, _ := filepath.Glob(filepath.Join(cfgDir, "quarry", "sandbox", "*.json"))
	if len(files) != 1 {
		t.Fatalf("store files under XDG_CONFIG_HOME: %v", files)
	}
	st, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("store mode = %v, want 0600", st.Mode().Perm())
	}
	if strings.HasPrefix(files[0], project) {
		t.Error("the store is inside the project")
	}

	// Another project does not see it.
	other := t.TempDir()
	if code, out, _ := run(t, "", "sandbox", "secret", "list", "--project", other); code != 0 || out != "" {
		t.Errorf("other project lists %q", out)
	}

	if code, _, errs := run(t, "", "sandbox", "secret", "remove", "SQL_CONNECTION_STRING", "--project", project); code != 0 {
		t.Fatalf("remove: %s", errs)
	}
	code, _, errs := run(t, "", "sandbox", "secret", "get", "SQL_CONNECTION_STRING", "--project", project)
	if code == 0 || !strings.Contains(errs, "secret set SQL_CONNECTION_STRING") {
		t.Errorf("get after remove = %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "sandbox", "secret", "remove", "NOPE", "--project", project); code == 0 {
		t.Errorf("removing a missing secret succeeded: %s", errs)
	}
}

func TestSecretBadInput(t *testing.T) {
	project := isolate(t)
	tests := []struct {
		stdin string
		args  []string
		says  string
	}{
		{"x", []string{"sandbox", "secret", "set", "bad-name"}, "not valid"},
		{"", []string{"sandbox", "secret", "set", "EMPTY"}, "no value"},
		{"", []string{"sandbox", "secret", "set"}, "needs NAME"},
		{"", []string{"generate", "schema-from-database", "--out", "x.ts"}, "--connection-uri-secret is required"},
		{"", []string{"generate", "schema-from-database", "--connection-uri-secret", "MISSING", "--out", "x.ts"}, "secret MISSING is not set"},
		{"", []string{"generate", "schema-from-database", "--connection-uri-secret", "X", "--out", "x.txt"}, "must end in .ts"},
	}
	for _, tt := range tests {
		code, _, errs := run(t, tt.stdin, append(tt.args, "--project", project)...)
		if code == 0 || !strings.Contains(errs, tt.says) || strings.Count(errs, "Error:") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one error mentioning %q", tt.args, code, errs, tt.says)
		}
	}
}

// TestPasswordNeverShown runs failing connections and checks that the
// password shows up in no output.
func TestPasswordNeverShown(t *testing.T) {
	const pw = "Tr0ub4dor-and-3"
	uris := []string{
		"postgres://quarry_nobody:" + pw + "@127.0.0.1:5432/postgres?sslmode=disable",
		"mysql://root:" + pw + "@127.0.0.1:3306/test",
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=disable",
		"postgres://u:" + pw + "%zz@h/db",
		"mysq://u:" + pw + "@h/db",
		"postgres://u:" + pw + "@127.0.0.1:5432/db?sslmode=verify-full&application_name=" + pw,
	}
	for _, uri := range uris {
		project := isolate(t)
		run(t, uri, "sandbox", "secret", "set", "DB", "--project", project)
		code, out, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "DB",
			"--project", project, "--out", filepath.Join(project, "s.ts"), "--connect-timeout", "3s")
		if code == 0 {
			t.Errorf("%s: generate succeeded", strings.ReplaceAll(uri, pw, "PW"))
		}
		if strings.Contains(out+errs, pw) {
			t.Errorf("password shown for %s:\n%s%s", strings.ReplaceAll(uri, pw, "PW"), out, strings.ReplaceAll(errs, pw, "<<PASSWORD>>"))
		}
		if !strings.Contains(errs, "Error: ") {
			t.Errorf("no error message: %q", errs)
		}
	}
}

func TestProductionSecretsFromEnvAndDir(t *testing.T) {
	db := testdb.New(t, testdb.SQLite)
	db.Exec(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT)")
	project := isolate(t)

	t.Setenv("FROM_ENV_URI", db.URI)
	out := filepath.Join(project, "env.graphql")
	if code, _, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "FROM_ENV_URI", "--project", project, "--out", out); code != 0 {
		t.Fatalf("from env: %s", errs)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "FROM_FILE_URI"), []byte(db.URI+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(project, "file.graphql")
	if code, _, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "FROM_FILE_URI",
		"--secrets-dir", dir, "--project", project, "--out", out); code != 0 {
		t.Fatalf("from dir: %s", errs)
	}
	raw, _ := os.ReadFile(out)
	if !strings.Contains(string(raw), "type t @model") {
		t.Errorf("output:\n%s", raw)
	}
}

func TestDemo(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errs := run(t, "", "demo", "--dir", dir, "--generate-only")
	if code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	for _, want := range []string{"type event @model", "venue: venue @belongsTo(references: [\"venue_id\"])", "events: [event] @hasMany"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "audit_log") {
		t.Errorf("demo did not warn about audit_log:\n%s", errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "amplify", "data", "schema.sql.ts")); err != nil {
		t.Error(err)
	}
	// A second run starts over without failing.
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatalf("second demo: %s", errs)
	}
}

func TestHelpExplainsEveryCommand(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"sandbox", "--help"}, {"sandbox", "secret", "--help"}, {"sandbox", "secret", "set", "--help"},
		{"generate", "schema-from-database", "--help"}, {"introspect", "--help"}, {"demo", "--help"},
	} {
		code, out, _ := run(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "quarry") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
		if len(args) > 1 && !strings.Contains(out, "Example") && !strings.Contains(out, "Available Commands") {
			t.Errorf("%v: help has no example:\n%s", args, out)
		}
	}
}
