package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/codegen"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sandbox"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/server"
)

// runSandbox serves the project's schema locally, rebuilding it whenever a
// schema file changes, and keeps amplify_outputs.json current. It is also
// the project's token issuer (see sandboxTokenCommand), so rules can be
// tried with signed-in users.
func (e *env) runSandbox(ctx context.Context, f *serveFlags, ready func(url, key string)) error {
	tokens := plan.NewTokens(randomBytes(32))
	b, err := e.build(ctx, f, tokens)
	if err != nil {
		return err
	}
	key, err := e.sandboxAPIKey(keyDays(b.schema))
	if err != nil {
		return err
	}
	current := b
	defer func() { current.close() }()
	none, _ := auth.New(auth.Config{})
	srv := server.New(b.engine, none, e.log)
	srv.RequestTimeout = f.reqTime
	f.configure(srv)
	srv.Ready = func(ctx context.Context) error { return current.db.SQL.PingContext(ctx) }
	if f.broker != "" && f.eventKey == nil {
		if f.eventKey, err = e.sandboxEventKey(); err != nil {
			return err
		}
	}
	closeBroker, err := e.connectEvents(ctx, f, b, srv)
	if err != nil {
		return err
	}
	defer closeBroker()
	stopChanges, err := e.startChanges(ctx, f, b, srv)
	if err != nil {
		return err
	}
	defer stopChanges()
	tlsCfg, caPath, err := e.sandboxTLS(f.host)
	if err != nil {
		return err
	}
	srv.TLS = tlsCfg

	var url string
	var dev []auth.OIDCProvider
	// configure points the server's authentication at s's modes and
	// writes amplify_outputs.json to match.
	configure := func(s *schema.Schema) (accepted, error) {
		acc := acceptedModes(s, []auth.APIKey{{ID: "sandbox", Value: key.Key, Expires: key.Expires}}, dev)
		authn, err := auth.New(acc.cfg)
		if err != nil {
			return acc, err
		}
		srv.SetAuthenticator(authn)
		e.warn(acc)
		return acc, e.writeOutputs(f, s, url, key, acc)
	}
	rebuild := func() {
		nb, err := e.build(ctx, f, tokens)
		if err == nil {
			_, err = configure(nb.schema)
		}
		if err != nil {
			if nb != nil {
				nb.close()
			}
			fmt.Fprintf(e.stderr, "\nThe schema has problems; still serving the last good one:\n%s\n", e.redact.Redact(err.Error()))
			return
		}
		old := current
		current = nb
		srv.Swap(nb.engine)
		e.changesRebuilt(ctx, f, nb)
		// Subscriptions were planned with the old rules: close their
		// sockets (1001) so clients subscribe again under the new ones.
		go srv.Realtime.Shutdown()
		// Requests that started on the old engine finish on it.
		time.AfterFunc(30*time.Second, func() { old.close() })
		fmt.Fprintf(e.stderr, "Reloaded the schema: %d models\n", len(nb.schema.Models))
	}
	go func() {
		if err := sandbox.Watch(ctx, f.dataDir, rebuild); err != nil {
			fmt.Fprintln(e.stderr, "Error: "+err.Error()+" (edits are not picked up; restart the sandbox)")
		}
	}()
	var startErr error
	err = e.listenAndServe(ctx, srv, f, func(u string) {
		url = u
		base := strings.TrimSuffix(u, "/graphql")
		issuers, err := e.devIssuers(base)
		if err != nil {
			startErr = err
			return
		}
		for _, d := range issuers {
			srv.Mount(strings.TrimPrefix(d.Issuer(), base)+"/", d)
		}
		dev = []auth.OIDCProvider{issuers[0].Provider(), issuers[1].Provider()}
		dev[1].Provider = auth.ProviderOIDC
		acc, err := configure(b.schema)
		if err != nil {
			startErr = err
			return
		}
		keyLine := "  API key   (API keys are not enabled)\n"
		if acc.apiKey {
			keyLine = fmt.Sprintf("  API key   %s (expires %s)\n", key.Key, key.Expires.Format("2006-01-02"))
		}
		token := e.tokenCommand(f, base)
		fmt.Fprintf(e.stderr, "\nQuarry sandbox\n  GraphQL   %s\n  GraphiQL  %s/?key=%s\n%s  Tokens    %s\n            (add --groups Admin for a user in a group; GraphiQL as that user: /?token=<the token>)\n  Realtime  %s (TLS; trust %s, in Node: NODE_EXTRA_CA_CERTS=%s)\n  Outputs   %s\n\nTry:\n%s\n\nWatching %s for changes; Ctrl-C stops.\n",
			url, base, key.Key, keyLine, token, "wss://"+strings.TrimPrefix(url, "http://")+"/realtime", caPath, caPath,
			filepath.Join(projectRoot(f.dataDir), "amplify_outputs.json"), tryQuery(b.schema, url, key.Key, token), f.dataDir)
		if ready != nil {
			ready(url, key.Key)
		}
	})
	if startErr != nil {
		return startErr
	}
	return err
}

// keyDays is how long the sandbox's API key lives.
func keyDays(s *schema.Schema) int {
	if s.Modes != nil && s.Modes.APIKeyExpiresInDays > 0 {
		return s.Modes.APIKeyExpiresInDays
	}
	return 7
}

// Dev issuer paths under the sandbox's URL: one issues user-pool tokens,
// the other the same tokens as a generic OIDC provider's, for rules with
// provider: oidc.
const (
	devUserPoolPath = "/auth/dev"
	devOIDCPath     = "/auth/dev-oidc"
)

// devIssuers returns the sandbox's token issuers under base, both signing
// with the project's persisted key.
func (e *env) devIssuers(base string) ([2]*auth.DevIssuer, error) {
	var out [2]*auth.DevIssuer
	keyFile, err := e.devKeyFile()
	if err != nil {
		return out, err
	}
	for i, p := range []string{devUserPoolPath, devOIDCPath} {
		if out[i], err = auth.NewDevIssuer(auth.DevIssuerConfig{Issuer: base + p, KeyFile: keyFile}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// devKeyFile is where the project's token signing key is kept: beside its
// sandbox secrets, outside the repository.
func (e *env) devKeyFile() (string, error) {
	store, err := e.sandboxStore()
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(store.Path(), ".json") + ".issuer-key.json", nil
}

// writeOutputs writes amplify_outputs.json beside the amplify folder, so
// Amplify.configure(outputs) points the client at the sandbox.
func (e *env) writeOutputs(f *serveFlags, s *schema.Schema, url string, key sandboxKey, acc accepted) error {
	o := codegen.Outputs{URL: url, Region: "us-east-1", DefaultAuthType: acc.defaultType, AuthTypes: acc.types}
	if acc.apiKey {
		o.APIKey = key.Key
	}
	raw, err := codegen.OutputsJSON(s, o)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(projectRoot(f.dataDir), "amplify_outputs.json"), raw)
}

// tokenCommand is the `quarry sandbox token` command line for this
// sandbox that works pasted as is in the current directory: it names the
// project with --project when the current directory's is another one, and
// the sandbox's URL with --url when amplify_outputs.json is written
// outside the project (--data elsewhere).
func (e *env) tokenCommand(f *serveFlags, base string) string {
	cmd := quarryCommand() + " sandbox token"
	project, err := e.projectDir()
	if err != nil {
		return cmd + " --url " + base + " --user alice"
	}
	if here, err := (&env{}).projectDir(); err != nil || filepath.Clean(here) != filepath.Clean(project) {
		cmd += " --project " + shellQuote(relToWD(project))
	}
	if filepath.Clean(projectRoot(f.dataDir)) != filepath.Clean(project) {
		cmd += " --url " + base
	}
	return cmd + " --user alice"
}

// quarryCommand is how Quarry runs again from the working directory:
// `go run ./cmd/quarry` when this process is a `go run` of the checkout
// there (as README's first command is), else quarry.
func quarryCommand() string {
	exe, err := os.Executable()
	if err != nil || !strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "quarry"
	}
	if _, err := os.Stat(filepath.Join("cmd", "quarry", "main.go")); err != nil {
		return "quarry"
	}
	return "go run ./cmd/quarry"
}

// relToWD is path relative to the working directory when it lies inside
// it, else absolute.
func relToWD(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tryQuery prints a curl command listing a few rows of a model: the
// first one an API key may list, else the first one with a signed-in
// user's token (from the token command line given).
func tryQuery(s *schema.Schema, url, key, token string) string {
	if len(s.Models) == 0 {
		return "  (no models)"
	}
	p := authz.New(s)
	m, header := s.Models[0], `-H "authorization: $(`+token+`)"`
	for _, c := range s.Models {
		if p.Model(c, auth.Identity{Provider: auth.ProviderAPIKey}, authz.List).Allowed {
			m, header = c, "-H 'x-api-key: "+key+"'"
			break
		}
	}
	var fields []string
	for _, fl := range m.Fields {
		if len(fields) < 4 && len(fl.Auth) == 0 {
			fields = append(fields, fl.Name)
		}
	}
	q := fmt.Sprintf(`{ list%s(limit: 3) { items { %s } nextToken } }`, schema.Plural(schema.UpperFirst(m.Name)), strings.Join(fields, " "))
	return fmt.Sprintf("  curl -s %s %s -H 'content-type: application/json' \\\n    -d '{\"query\": \"%s\"}'", url, header, q)
}

func (e *env) sandboxServeFlags(cmd *cobra.Command) *serveFlags {
	f := serveFlags{dev: true}
	e.addServeFlags(cmd, &f, "127.0.0.1")
	addExposureFlags(cmd.Flags(), &f.exposure, true)
	return &f
}

// sandboxEventKey is the key that signs the events sandboxes of this
// project share through --broker: minted once and kept in the project's
// sandbox store, so every sandbox of the project has it.
func (e *env) sandboxEventKey() ([]byte, error) {
	store, err := e.sandboxStore()
	if err != nil {
		return nil, err
	}
	const name = "QUARRY_SANDBOX_EVENT_KEY"
	if v, err := store.Get(name); err == nil && len(v) >= 32 {
		return []byte(v), nil
	}
	v := hex.EncodeToString(randomBytes(32))
	if err := store.Set(name, v); err != nil {
		return nil, err
	}
	return []byte(v), nil
}
