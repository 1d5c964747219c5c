package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/codegen"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sandbox"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/server"
)

// runSandbox serves the project's schema locally, rebuilding it whenever a
// schema file changes, and keeps amplify_outputs.json current.
func (e *env) runSandbox(ctx context.Context, f *serveFlags, ready func(url, key string)) error {
	key, err := e.sandboxAPIKey(7)
	if err != nil {
		return err
	}
	tokens := plan.NewTokens(randomBytes(32))
	b, err := e.build(ctx, f, tokens)
	if err != nil {
		return err
	}
	current := b
	defer func() { current.db.Close() }()
	srv := server.New(b.engine, []server.APIKey{{Key: key.Key, Expires: key.Expires}}, e.log)
	srv.RequestTimeout = f.reqTime
	srv.Ready = func(ctx context.Context) error { return current.db.SQL.PingContext(ctx) }

	var url string
	rebuild := func() {
		nb, err := e.build(ctx, f, tokens)
		if err != nil {
			fmt.Fprintf(e.stderr, "\nThe schema has problems; still serving the last good one:\n%s\n", e.redact.Redact(err.Error()))
			return
		}
		old := current
		current = nb
		srv.Swap(nb.engine)
		// Requests that started on the old engine finish on it.
		time.AfterFunc(30*time.Second, func() { old.db.Close() })
		if err := e.writeOutputs(f, nb.schema, url, key); err != nil {
			fmt.Fprintln(e.stderr, "Error: "+err.Error())
		}
		fmt.Fprintf(e.stderr, "Reloaded the schema: %d models\n", len(nb.schema.Models))
	}
	go func() {
		if err := sandbox.Watch(ctx, f.dataDir, rebuild); err != nil {
			fmt.Fprintln(e.stderr, "Error: "+err.Error()+" (edits are not picked up; restart the sandbox)")
		}
	}()
	return e.listenAndServe(ctx, srv, f, func(u string) {
		url = u
		if err := e.writeOutputs(f, b.schema, url, key); err != nil {
			fmt.Fprintln(e.stderr, "Error: "+err.Error())
		}
		fmt.Fprintf(e.stderr, "\nQuarry sandbox\n  GraphQL   %s\n  GraphiQL  %s/?key=%s\n  API key   %s (expires %s)\n  Outputs   %s\n\nTry:\n%s\n\nWatching %s for changes; Ctrl-C stops.\n",
			url, strings.TrimSuffix(url, "/graphql"), key.Key, key.Key, key.Expires.Format("2006-01-02"),
			filepath.Join(projectRoot(f.dataDir), "amplify_outputs.json"), tryQuery(b.schema, url, key.Key), f.dataDir)
		if ready != nil {
			ready(url, key.Key)
		}
	})
}

// writeOutputs writes amplify_outputs.json beside the amplify folder, so
// Amplify.configure(outputs) points the client at the sandbox.
func (e *env) writeOutputs(f *serveFlags, s *schema.Schema, url string, key sandboxKey) error {
	raw, err := codegen.OutputsJSON(s, codegen.Outputs{
		URL: url, Region: "us-east-1", APIKey: key.Key,
		DefaultAuthType: "API_KEY", AuthTypes: []string{"API_KEY"},
	})
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(projectRoot(f.dataDir), "amplify_outputs.json"), raw)
}

// tryQuery prints a curl command listing a few rows of the first model.
func tryQuery(s *schema.Schema, url, key string) string {
	if len(s.Models) == 0 {
		return "  (no models)"
	}
	m := s.Models[0]
	var fields []string
	for _, fl := range m.Fields {
		if len(fields) < 4 {
			fields = append(fields, fl.Name)
		}
	}
	q := fmt.Sprintf(`{ list%s(limit: 3) { items { %s } nextToken } }`, schema.Plural(upperFirst(m.Name)), strings.Join(fields, " "))
	return fmt.Sprintf("  curl -s %s -H 'x-api-key: %s' -H 'content-type: application/json' \\\n    -d '{\"query\": \"%s\"}'", url, key, q)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (e *env) sandboxServeFlags(cmd *cobra.Command) *serveFlags {
	var f serveFlags
	e.addServeFlags(cmd, &f, "127.0.0.1")
	return &f
}
