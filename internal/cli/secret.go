package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (e *env) sandboxCommand() *cobra.Command {
	sb := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve this project locally, reloading on every schema change; manage its secrets",
		Long: `Serve the project in the current folder: the GraphQL API for amplify/data
(schema.sql.graphql plus your resource.graphql, or your resource.ts with
schema.sql.ts) on http://127.0.0.1:4000/graphql, with GraphiQL at /, /healthz and
/metrics, and subscriptions at wss://127.0.0.1:4000/graphql/realtime (TLS on the
same port, from a local certificate authority whose path it prints). It mints
an API key (valid 7 days unless configured, kept across restarts), issues
tokens for trying auth rules (quarry sandbox token), writes amplify_outputs.json
for the aws-amplify client, and rebuilds the API whenever a schema file
changes; a schema with errors is reported and the last good one keeps serving.
Models that are not tables of your database are kept in .quarry/managed.db.

Secrets are stored per project, outside the repository, under your user config
directory ($XDG_CONFIG_HOME/quarry/sandbox/, by default ~/.config/quarry/sandbox/),
in a file only you can read (mode 0600).

The limits (--max-*, --body-timeout, --ws-*) are those of quarry serve, so what
works here works in production; each flag can also be set as QUARRY_<FLAG>.`,
		Example: `  quarry sandbox
  quarry sandbox --port 4100 --debug
  quarry sandbox secret set SQL_CONNECTION_STRING
  quarry sandbox token --user alice --groups Admin
  quarry sandbox --broker nats://127.0.0.1:4222     # share subscription events with other instances`,
		Args: exactArgs(0, ""),
	}
	sf := e.sandboxServeFlags(sb)
	sb.RunE = func(cmd *cobra.Command, args []string) error { return e.runSandbox(cmd.Context(), sf, nil) }
	sb.AddCommand(e.sandboxTokenCommand())
	sec := &cobra.Command{
		Use:   "secret",
		Short: "Store, read, list and remove this project's sandbox secrets",
		Example: `  quarry sandbox secret set SQL_CONNECTION_STRING     # prompts; or pipe the value in
  echo 'postgres://app:pw@127.0.0.1/shop' | quarry sandbox secret set SQL_CONNECTION_STRING
  quarry sandbox secret list
  quarry sandbox secret get SQL_CONNECTION_STRING
  quarry sandbox secret remove SQL_CONNECTION_STRING`,
	}
	sec.AddCommand(
		&cobra.Command{
			Use:   "set NAME",
			Short: "Store a secret; the value is read from standard input, never from the command line",
			Long: `Store a secret for this project. The value is read from standard input so it
never lands in your shell history: on a terminal you are prompted and nothing
is echoed; otherwise the whole input is read and one trailing newline dropped.`,
			Example: "  quarry sandbox secret set SQL_CONNECTION_STRING",
			Args:    exactArgs(1, "NAME"),
			RunE: func(cmd *cobra.Command, args []string) error {
				store, err := e.sandboxStore()
				if err != nil {
					return err
				}
				value, err := e.readSecretValue(args[0])
				if err != nil {
					return err
				}
				if value == "" {
					return usageError{fmt.Errorf("no value given for %s: type it at the prompt or pipe it in", args[0])}
				}
				if err := store.Set(args[0], value); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "Stored %s for project %s\n", args[0], mustProject(e))
				return nil
			},
		},
		&cobra.Command{
			Use:     "get NAME",
			Short:   "Print a secret's value",
			Example: "  quarry sandbox secret get SQL_CONNECTION_STRING",
			Args:    exactArgs(1, "NAME"),
			RunE: func(cmd *cobra.Command, args []string) error {
				store, err := e.sandboxStore()
				if err != nil {
					return err
				}
				v, err := store.Get(args[0])
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, v)
				return nil
			},
		},
		&cobra.Command{
			Use:     "list",
			Short:   "List the names of this project's secrets (never their values)",
			Example: "  quarry sandbox secret list",
			Args:    exactArgs(0, ""),
			RunE: func(cmd *cobra.Command, args []string) error {
				store, err := e.sandboxStore()
				if err != nil {
					return err
				}
				names, err := store.List()
				if err != nil {
					return err
				}
				if len(names) == 0 {
					fmt.Fprintln(e.stderr, "No secrets stored for this project yet.")
				}
				for _, n := range names {
					fmt.Fprintln(e.stdout, n)
				}
				return nil
			},
		},
		&cobra.Command{
			Use:     "remove NAME",
			Short:   "Remove a secret",
			Example: "  quarry sandbox secret remove SQL_CONNECTION_STRING",
			Args:    exactArgs(1, "NAME"),
			RunE: func(cmd *cobra.Command, args []string) error {
				store, err := e.sandboxStore()
				if err != nil {
					return err
				}
				if err := store.Remove(args[0]); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "Removed %s\n", args[0])
				return nil
			},
		},
	)
	sb.AddCommand(sec)
	return sb
}

func mustProject(e *env) string {
	d, err := e.projectDir()
	if err != nil {
		return "?"
	}
	return d
}

// readSecretValue prompts without echo on a terminal, else reads stdin.
func (e *env) readSecretValue(name string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.stderr, "Value for %s (not shown): ", name)
		raw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read secret: %w", err)
		}
		return string(raw), nil
	}
	raw, err := io.ReadAll(bufio.NewReader(e.stdin))
	if err != nil {
		return "", fmt.Errorf("read secret from stdin: %w", err)
	}
	v := strings.TrimSuffix(string(raw), "\n")
	return strings.TrimSuffix(v, "\r"), nil
}

// exactArgs is cobra.ExactArgs with a message that names what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if n == 0 {
			return usageError{fmt.Errorf("%s takes no arguments", cmd.CommandPath())}
		}
		return usageError{fmt.Errorf("%s needs %s (see --help)", cmd.CommandPath(), what)}
	}
}
