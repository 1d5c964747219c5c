package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestDemoListenerMovesOffATakenDefaultPort: the default port, taken,
// gives way to a free one (and the demo says which); a port asked for
// that is taken is an error naming --port.
func TestDemoListenerMovesOffATakenDefaultPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port

	var stderr bytes.Buffer
	e := newEnv(strings.NewReader(""), io.Discard, &stderr)
	f := &serveFlags{host: "127.0.0.1", port: port}
	ln, err := e.demoListener(f, false)
	if err != nil {
		t.Fatal(err)
	}
	got := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if got == port || f.port != got {
		t.Errorf("listener on %d, flags say %d, taken was %d", got, f.port, port)
	}
	if want := "port " + strconv.Itoa(port) + " is in use; serving on " + strconv.Itoa(got); !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}

	f = &serveFlags{host: "127.0.0.1", port: port}
	if _, err := e.demoListener(f, true); err == nil || !strings.Contains(err.Error(), "--port") || f.port != port {
		t.Errorf("explicit taken port: %v (port %d)", err, f.port)
	}
}

// TestDemoExplicitPortTakenFailsFirst: `quarry demo --port P` (or
// QUARRY_PORT=P) with P taken fails at once, before creating anything.
func TestDemoExplicitPortTakenFailsFirst(t *testing.T) {
	isolate(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	for _, viaEnv := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "demo")
		args := []string{"demo", "--dir", dir}
		if viaEnv {
			t.Setenv("QUARRY_PORT", port)
		} else {
			args = append(args, "--port", port)
		}
		done := make(chan struct{})
		var code int
		var errs string
		go func() {
			defer close(done)
			code, _, errs = run(t, "", args...)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("demo did not stop on a taken --port")
		}
		if code == 0 || !strings.Contains(errs, "127.0.0.1:"+port) || !strings.Contains(errs, "--port") {
			t.Errorf("env=%v: exit %d, stderr:\n%s", viaEnv, code, errs)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("env=%v: the demo created %s before failing (%v)", viaEnv, dir, err)
		}
	}
}

// TestDemoGitignore: the demo folder, created inside a git checkout, does
// not show up in git status; a folder of the user's own given as --dir
// gets no .gitignore.
func TestDemoGitignore(t *testing.T) {
	isolate(t)
	git, err := exec.LookPath("git")
	if err != nil {
		testdb.Unreachable(t, "git", err)
	}
	repo := t.TempDir()
	gitRun := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(git, append([]string{"-C", repo}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	gitRun("init", "-q")
	dir := filepath.Join(repo, "quarry-demo")
	for i := 0; i < 2; i++ { // a second run keeps it
		if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
			t.Fatal(errs)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err != nil || !regexp.MustCompile(`(?m)^\*$`).Match(raw) {
		t.Fatalf(".gitignore = %q (%v)", raw, err)
	}
	if st := gitRun("status", "--porcelain", "--untracked-files=all"); st != "" {
		t.Errorf("git status shows the demo:\n%s", st)
	}

	own := filepath.Join(repo, "app")
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "", "demo", "--dir", own, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	if _, err := os.Stat(filepath.Join(own, ".gitignore")); !os.IsNotExist(err) {
		t.Errorf("the demo wrote a .gitignore into an existing folder (%v)", err)
	}
}

// TestDemoPrintedCommandsWork runs `quarry demo` as a new user does, from
// a folder of a git checkout with port 4000 taken, and then everything it
// printed, pasted as is from that folder: the quarry commands through
// Main, the URLs and the curl command with net/http.
func TestDemoPrintedCommandsWork(t *testing.T) {
	isolate(t)
	// Port 4000 taken: by this test, or by whatever already holds it.
	if ln, err := net.Listen("tcp", "127.0.0.1:4000"); err == nil {
		defer ln.Close()
	}
	wd := t.TempDir()
	if err := os.Mkdir(filepath.Join(wd, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(wd)

	stderr := &syncBuffer{}
	e := newEnv(strings.NewReader(""), io.Discard, stderr)
	root := e.rootCommand()
	root.SetArgs([]string{"demo"})
	root.SetOut(io.Discard)
	root.SetErr(stderr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v", err)
		}
		if t.Failed() {
			t.Logf("the demo said:\n%s", stderr.String())
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "Ctrl-C stops") {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("demo stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the demo did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	out := stderr.String()

	m := regexp.MustCompile(`port 4000 is in use; serving on (\d+)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo did not say it moved off port 4000")
	}
	field := func(label string) string {
		t.Helper()
		m := regexp.MustCompile(`(?m)^  ` + label + ` +(\S.*)$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no %s line in the banner", label)
		}
		return m[1]
	}
	gqlURL := field("GraphQL")
	if want := "http://127.0.0.1:" + m[1] + "/graphql"; gqlURL != want {
		t.Errorf("GraphQL %s, want %s", gqlURL, want)
	}

	// GraphiQL
	resp, err := http.Get(field("GraphiQL"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GraphiQL: %s", resp.Status)
	}

	// Tokens: the command as printed, then the token it prints is accepted.
	tokenWords := shellWords(t, field("Tokens"))
	token := runPrinted(t, tokenWords)
	status, body := post(t, gqlURL, map[string]string{"authorization": token}, `{"query": "{ __typename }"}`)
	if status != http.StatusOK || !strings.Contains(body, `"__typename":"Query"`) {
		t.Errorf("the printed token: %d %s", status, body)
	}
	// The same command with the group the banner mentions.
	runPrinted(t, append(tokenWords, "--groups", "Admin"))

	// Realtime: TLS on that port, trusting the CA the banner names.
	rt := regexp.MustCompile(`^(wss://(\S+)/graphql/realtime) \(TLS; trust (\S+), in Node: NODE_EXTRA_CA_CERTS=(\S+)\)$`).FindStringSubmatch(field("Realtime"))
	if rt == nil || rt[3] != rt[4] || "http://"+rt[2]+"/graphql" != gqlURL {
		t.Fatalf("Realtime line: %q", field("Realtime"))
	}
	pem, err := os.ReadFile(rt[3])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	conn, err := tls.Dial("tcp", rt[2], &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Errorf("TLS to %s with the printed CA: %v", rt[2], err)
	} else {
		conn.Close()
	}

	// Outputs
	raw, err := os.ReadFile(field("Outputs"))
	var outputs struct{ Data struct{ URL string } }
	if err != nil || json.Unmarshal(raw, &outputs) != nil || outputs.Data.URL != gqlURL {
		t.Errorf("Outputs: %s (%v)", raw, err)
	}

	// Try: the curl command.
	try := regexp.MustCompile(`(?s)\nTry:\n(.*?)\n\n`).FindStringSubmatch(out)
	if try == nil {
		t.Fatal("no Try: section")
	}
	status, body = curl(t, shellWords(t, try[1]))
	if status != http.StatusOK || strings.Contains(body, `"errors"`) || !strings.Contains(body, `"items":[{`) {
		t.Errorf("Try: %d %s", status, body)
	}

	// The way to one's own database: secret set (with the demo database's
	// URI typed in) and generate, from the same folder.
	own := regexp.MustCompile(`To use your own database instead:\n((?:  .*\n)+)`).FindStringSubmatch(out)
	if own == nil {
		t.Fatal("no 'To use your own database instead' section")
	}
	lines := strings.Split(strings.TrimSpace(own[1]), "\n")
	// The last one serves, on the port the demo found free once it stops.
	if len(lines) != 3 || strings.TrimSpace(lines[2]) != "quarry sandbox --port "+m[1] {
		t.Fatalf("own database commands: %q", lines)
	}
	for i, stdin := range []string{"sqlite://" + filepath.Join(wd, "quarry-demo", "demo.db"), ""} {
		words := shellWords(t, lines[i])
		if code, _, errs := run(t, stdin, words[1:]...); words[0] != "quarry" || code != 0 {
			t.Errorf("%s: %s", lines[i], errs)
		}
	}
	if _, err := os.Stat(filepath.Join(wd, "amplify", "data", "schema.sql.graphql")); err != nil {
		t.Error(err)
	}
}

// runPrinted runs a printed quarry command through Main in the working
// directory and returns what it printed.
func runPrinted(t *testing.T, words []string) string {
	t.Helper()
	if len(words) == 0 || words[0] != "quarry" {
		t.Fatalf("not a quarry command: %q", words)
	}
	code, out, errs := run(t, "", words[1:]...)
	if code != 0 {
		t.Fatalf("%q exited %d: %s", words, code, errs)
	}
	return strings.TrimSpace(out)
}

func post(t *testing.T, url string, headers map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("content-type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// curl does what `curl -s URL -H 'k: v' ... -d BODY` does.
func curl(t *testing.T, words []string) (int, string) {
	t.Helper()
	if len(words) == 0 || words[0] != "curl" {
		t.Fatalf("not a curl command: %q", words)
	}
	var url, body string
	headers := map[string]string{}
	for i := 1; i < len(words); i++ {
		switch w := words[i]; {
		case w == "-s":
		case (w == "-H" || w == "-d") && i+1 < len(words):
			i++
			if w == "-d" {
				body = words[i]
				continue
			}
			k, v, ok := strings.Cut(words[i], ":")
			if !ok {
				t.Fatalf("header %q", words[i])
			}
			headers[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case !strings.HasPrefix(w, "-") && url == "":
			url = w
		default:
			t.Fatalf("curl option %q is not understood here", w)
		}
	}
	return post(t, url, headers, body)
}

// shellWords splits a command line as a POSIX shell does for what the
// banner prints: quotes, backslash-newline, and $(quarry ...) inside
// double quotes, run through Main.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
		}
		cur.Reset()
		inWord = false
	}
	subst := func(s string, i int) (string, int) {
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					return runPrinted(t, shellWords(t, s[i+1:j])), j
				}
			}
		}
		t.Fatalf("unclosed $( in %q", s)
		return "", 0
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && line[i+1] == '\n':
			i++
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			flush()
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				t.Fatalf("unclosed ' in %q", line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += 1 + j
			inWord = true
		case c == '"':
			inWord = true
			for i++; ; i++ {
				if i >= len(line) {
					t.Fatalf("unclosed \" in %q", line)
				}
				if line[i] == '"' {
					break
				}
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte(`"\$`+"`", line[i+1]) >= 0 {
					i++
					cur.WriteByte(line[i])
					continue
				}
				if line[i] == '$' && i+1 < len(line) && line[i+1] == '(' {
					v, end := subst(line, i+1)
					cur.WriteString(v)
					i = end
					continue
				}
				if line[i] == '$' || line[i] == '`' {
					t.Fatalf("unexpected expansion in %q", line)
				}
				cur.WriteByte(line[i])
			}
		case c == '$' || c == '`' || c == '(' || c == ')' || c == '[' || c == ']' || c == '#' || c == '*' || c == '?' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>':
			t.Fatalf("%q: %q would not paste as is into a shell", line, c)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words
}

// TestShellWords checks the test's own shell splitting.
func TestShellWords(t *testing.T) {
	isolate(t)
	got := shellWords(t, `curl -s 'a b' "c \"d\"" e\ f \
    -d '{"x": 1}'`)
	want := []string{"curl", "-s", "a b", `c "d"`, "e f", "-d", `{"x": 1}`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", got)
	}
	if q := shellQuote("it's a dir"); strings.Join(shellWords(t, "x "+q), "|") != "x|it's a dir" {
		t.Errorf("shellQuote: %s", q)
	}
}

// TestReadmeResourceTSOnDemo evaluates README.md's resource.ts example,
// as written there, on the demo database and runs its custom query.
func TestReadmeResourceTSOnDemo(t *testing.T) {
	nodeDir := nodePackages(t, "@aws-amplify/data-schema")
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```ts\n(// 3\\. amplify/data/resource\\.ts.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```ts block starting with // 3. amplify/data/resource.ts")
	}
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(nodeDir, "node_modules"), filepath.Join(dir, "node_modules")))
	must(os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "amplify", "data", "resource.ts"), m[1], 0o644))
	url, _ := startSandbox(t, dir, true, nil)

	// As a guest (no authorization header), as the README's client does.
	status, body := post(t, url, nil, `{"query": "{ listEventWithName(name: \"Late set\") { id name } listEvents { items { name } } }"}`)
	var out struct {
		Data struct {
			ListEventWithName []struct {
				Name string
			}
			ListEvents struct{ Items []struct{ Name string } }
		}
		Errors []any
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || status != http.StatusOK || len(out.Errors) != 0 ||
		len(out.Data.ListEventWithName) != 1 || out.Data.ListEventWithName[0].Name != "Late set" || len(out.Data.ListEvents.Items) != 2 {
		t.Errorf("%d %s (%v)", status, body, err)
	}
	// Guests may read events, not create them.
	_, body = post(t, url, nil, `{"query": "mutation { createEvent(input: {venue_id: 1, name: \"x\", starts_at: \"2027-01-01T00:00:00Z\", is_sold_out: false}) { id } }"}`)
	if !strings.Contains(body, "Unauthorized") {
		t.Errorf("a guest created an event: %s", body)
	}
}

// TestQuarryCommandUnderGoRun: a process built by `go run` (as this test
// binary is, by `go test`) in a checkout tells users to `go run` it again.
func TestQuarryCommandUnderGoRun(t *testing.T) {
	exe, err := os.Executable()
	if err != nil || !strings.Contains(exe, string(filepath.Separator)+"go-build") {
		t.Skipf("the test binary %s is not in a go-build folder", exe)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if got := quarryCommand(); got != "quarry" {
		t.Errorf("outside a checkout: %q", got)
	}
	if err := os.MkdirAll(filepath.Join(dir, "cmd", "quarry"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cmd", "quarry", "main.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := quarryCommand(); got != "go run ./cmd/quarry" {
		t.Errorf("in a checkout: %q", got)
	}
}
