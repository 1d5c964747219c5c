package cli

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestHealthcheck: quarry healthcheck exits 0 for the answers that mean
// "ready" (or, with --live, "alive") and 1 with one line saying why for
// the others.
func TestHealthcheck(t *testing.T) {
	answer := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv.URL + "/healthz"
	}
	ok := answer(200, `{"status":"ok","database":"ok"}`)
	degraded := answer(200, `{"status":"degraded","database":"ok","broker":"nats: no servers available for connection"}`)
	down := answer(503, `{"status":"database unreachable","database":"unreachable","broker":"ok"}`)
	notQuarry := answer(200, `<html>hello</html>`)
	redirect := answer(302, ``)
	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)

	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   string // the whole line
		stderr   string // contained
		notInErr string
	}{
		{"ok", []string{"--url", ok}, 0, "ok\n", "", ""},
		{"degraded is still ready", []string{"--url", degraded}, 0, "degraded (broker: nats: no servers available for connection)\n", "", ""},
		{"database down is not ready", []string{"--url", down}, 1, "", "not ready (503): database unreachable (database: unreachable)", "broker"},
		{"database down is alive", []string{"--url", down, "--live"}, 0, "alive, not ready: database unreachable (database: unreachable)\n", "", ""},
		{"ok is alive", []string{"--url", ok, "--live"}, 0, "ok\n", "", ""},
		{"not Quarry", []string{"--url", notQuarry}, 1, "", "without Quarry's health report", ""},
		{"not Quarry is not alive either", []string{"--url", notQuarry, "--live"}, 1, "", "without Quarry's health report", ""},
		{"redirect", []string{"--url", redirect}, 1, "", "answered 302", ""},
		{"nothing listening", []string{"--url", closedURL(t)}, 1, "", "no answer", ""},
		{"no answer in time", []string{"--url", hang.URL + "/healthz", "--timeout", "200ms"}, 1, "", "did not answer within 200ms", ""},
		{"bad url", []string{"--url", "http://[::1"}, 2, "", "--url", ""},
		{"arguments", []string{"now"}, 2, "", "takes no arguments", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, "", append([]string{"healthcheck"}, tc.args...)...)
			if code != tc.code || out != tc.stdout || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q", code, out, errs, tc.code, tc.stdout, tc.stderr)
			}
			if strings.Count(errs, "\n") > 1 {
				t.Errorf("stderr is more than one line: %q", errs)
			}
			if tc.notInErr != "" && strings.Contains(errs, tc.notInErr) {
				t.Errorf("stderr %q names %q, a dependency that is ok", errs, tc.notInErr)
			}
		})
	}
}

// closedURL is a URL on which nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/healthz"
}

// TestHealthcheckAgainstServe asks a real quarry serve, by --url and by
// the port quarry serve was given through QUARRY_PORT (as in the image,
// where HEALTHCHECK runs `quarry healthcheck` with the container's
// environment).
func TestHealthcheckAgainstServe(t *testing.T) {
	gqlURL := startServe(t)
	u, err := url.Parse(gqlURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--url", "http://" + u.Host + "/healthz"}, {"--live", "--port", u.Port()}} {
		if code, out, errs := run(t, "", append([]string{"healthcheck"}, args...)...); code != 0 || out != "ok\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	t.Setenv("QUARRY_PORT", u.Port())
	if code, out, errs := run(t, "", "healthcheck"); code != 0 || out != "ok\n" {
		t.Errorf("QUARRY_PORT=%s: exit %d, stdout %q, stderr %q", u.Port(), code, out, errs)
	}
}
