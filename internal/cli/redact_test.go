package cli

import (
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/secrets"
)

// closedPort returns a local port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestRedactShortPasswordsEndToEnd runs generate and sandbox against a
// port nothing listens on with short, common passwords (one equal to the
// first word of the error, one equal to the port, one equal to the
// scheme, the user and the database): the URI is printed with its user,
// host, port and database, the error reads as it would without a
// password, and nothing is masked by substring.
func TestRedactShortPasswordsEndToEnd(t *testing.T) {
	port := closedPort(t)
	p := strconv.Itoa(port)
	for _, tt := range []struct{ user, pw, db string }{
		{"app", "connect", "shop"},
		{"app", p, "shop"},
		{"postgres", "postgres", "postgres"},
	} {
		uri := (&url.URL{Scheme: "postgres", User: url.UserPassword(tt.user, tt.pw), Host: "127.0.0.1:" + p,
			Path: "/" + tt.db, RawQuery: "sslmode=disable"}).String()
		shown := "postgres://" + tt.user + ":xxxxx@127.0.0.1:" + p + "/" + tt.db + "?sslmode=disable"
		wantErr := "Error: connect: cannot reach 127.0.0.1:" + p + ": connection refused"

		project := isolate(t)
		if code, _, errs := run(t, uri, "sandbox", "secret", "set", "DB", "--project", project); code != 0 {
			t.Fatalf("secret set: %s", errs)
		}
		code, out, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "DB",
			"--project", project, "--out", filepath.Join(project, "s.ts"), "--connect-timeout", "3s")
		if code == 0 {
			t.Fatalf("generate against a closed port succeeded")
		}
		check(t, "generate", out+errs, uri, shown, wantErr)

		// The sandbox opens the same URI when it builds the schema.
		dir := filepath.Join(t.TempDir(), "demo")
		if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
			t.Fatal(errs)
		}
		if code, _, errs := run(t, uri, "sandbox", "secret", "set", "SQL_CONNECTION_STRING", "--project", dir); code != 0 {
			t.Fatalf("secret set: %s", errs)
		}
		code, out, errs = run(t, "", "sandbox", "--project", dir, "--data", filepath.Join(dir, "amplify", "data"),
			"--host", "127.0.0.1", "--port", "0")
		if code == 0 {
			t.Fatalf("sandbox against a closed port succeeded")
		}
		check(t, "sandbox", out+errs, uri, shown, wantErr)
	}
}

func check(t *testing.T, cmd, output, uri, shown, wantErr string) {
	t.Helper()
	if !strings.Contains(output, "Connecting to "+shown+"\n") {
		t.Errorf("%s: no %q in\n%s", cmd, "Connecting to "+shown, output)
	}
	if !strings.Contains(output, wantErr+" (") {
		t.Errorf("%s: no %q in\n%s", cmd, wantErr, output)
	}
	if strings.Contains(output, secrets.Mask) || strings.Contains(output, uri) {
		t.Errorf("%s: masked by substring, or the URI printed as written:\n%s", cmd, output)
	}
}
