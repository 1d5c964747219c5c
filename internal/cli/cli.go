// Package cli holds Quarry's commands: sandbox secrets, generate
// schema-from-database, introspect --dump and demo. Main runs them and is
// the only place that turns an error into an exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/secrets"
)

// env is what a command may touch: its streams, the working directory and
// the redactor that every error and log line passes through.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	redact         *secrets.Redactor
	log            *slog.Logger
	projectFlag    string
	secretsDir     string
	// logFormat and logLevel are --log-format and --log-level.
	logFormat, logLevel string
	// production makes secrets come only from the environment and
	// --secrets-dir, never from the sandbox store (quarry serve).
	production bool
}

// Main runs the quarry command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := newEnv(stdin, stdout, stderr)

	root := e.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "Error: "+e.redact.Redact(err.Error()))
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer) *env {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, redact: &secrets.Redactor{}}
	// Attributes are masked by key and their strings redacted before they
	// are quoted (ReplaceAttr); the writer catches what is left in the
	// formatted line. Neither searches text for short or common values:
	// see secrets.Maskable.
	_ = e.setLogger("text", "info")
	return e
}

// setLogger makes the logger --log-format and --log-level ask for.
func (e *env) setLogger(format, level string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return usageError{fmt.Errorf("--log-level %q: use debug, info, warn or error", level)}
	}
	opts := &slog.HandlerOptions{Level: lv, ReplaceAttr: e.redact.ReplaceAttr}
	w := redactingWriter{e.redact, e.stderr}
	switch format {
	case "text":
		e.log = slog.New(slog.NewTextHandler(w, opts))
	case "json":
		e.log = slog.New(slog.NewJSONHandler(w, opts))
	default:
		return usageError{fmt.Errorf("--log-format %q: use text or json", format)}
	}
	return nil
}

// usageError marks mistakes in how a command was called (exit code 2).
type usageError struct{ error }

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "quarry",
		Short: "A typed, authorized, realtime GraphQL API over the database you already have",
		Long: `Quarry reads an existing PostgreSQL, MySQL/MariaDB or SQLite database, writes a
schema file that describes it, and serves it as a GraphQL API that speaks the
AWS AppSync wire protocol, so the aws-amplify client works against it unchanged.

Start with:
  quarry demo                                   # a SQLite demo, no setup
  quarry sandbox secret set SQL_CONNECTION_STRING
  quarry generate schema-from-database --connection-uri-secret SQL_CONNECTION_STRING \
         --out amplify/data/schema.sql.ts`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Flags left alone on the command line come from QUARRY_<FLAG>,
		// else the config file (config.go).
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return e.applyConfig(cmd)
		},
	}
	addConfigFlag(root.PersistentFlags())
	root.PersistentFlags().StringVar(&e.logFormat, "log-format", "text", "log lines as text (key=value) or json, on stderr")
	root.PersistentFlags().StringVar(&e.logLevel, "log-level", "info", "least severe log lines shown: debug, info, warn or error")
	root.PersistentFlags().StringVar(&e.projectFlag, "project", "",
		"project directory whose sandbox secrets to use (default: the nearest parent holding amplify/, package.json or .git, else the current directory)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(e.sandboxCommand(), e.serveCommand(), e.buildCommand(), e.generateCommand(), e.introspectCommand(), e.exportSchemaCommand(), e.demoCommand(), e.versionCommand(), e.healthcheckCommand(), e.changesCommand())
	return root
}

// projectDir finds the project the sandbox secrets belong to.
func (e *env) projectDir() (string, error) {
	if e.projectFlag != "" {
		return filepath.Abs(e.projectFlag)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		for _, marker := range []string{"amplify", "package.json", ".git"} {
			if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
				return dir, nil
			}
		}
		if filepath.Dir(dir) == dir {
			return wd, nil
		}
	}
}

func (e *env) sandboxStore() (*secrets.Sandbox, error) {
	dir, err := e.projectDir()
	if err != nil {
		return nil, err
	}
	return secrets.OpenSandbox(dir)
}

// secret reads a named secret for a command that needs one: from the
// sandbox store first, then from the production sources (--secrets-dir,
// environment). The caller registers what is sensitive in it for redaction.
func (e *env) secret(name string) (string, error) {
	if err := secrets.CheckName(name); err != nil {
		return "", usageError{err}
	}
	if e.production {
		v, err := secrets.Production{Dir: e.secretsDir}.Get(name)
		if err != nil {
			return "", fmt.Errorf("secret %s is not set: set the environment variable %s, or put a file of that name in --secrets-dir", name, name)
		}
		return v, nil
	}
	store, err := e.sandboxStore()
	if err != nil {
		return "", err
	}
	v, sbErr := store.Get(name)
	if sbErr != nil && !errors.Is(sbErr, secrets.ErrNotFound) {
		return "", sbErr
	}
	if sbErr != nil {
		var perr error
		v, perr = secrets.Production{Dir: e.secretsDir}.Get(name)
		if perr != nil {
			return "", fmt.Errorf("secret %s is not set: store it with `quarry sandbox secret set %s`, or set the environment variable %s (or a file of that name in --secrets-dir)", name, name, name)
		}
	}
	return v, nil
}

// redactingWriter hides registered secret values (those long and random
// enough to be masked as substrings, and whole connection URIs) in
// everything written through it.
type redactingWriter struct {
	r *secrets.Redactor
	w io.Writer
}

func (rw redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
