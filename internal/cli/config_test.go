package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// configCommand is a command with serve's limit and exposure flags, a
// switch and --config, as loadConfig sees them.
func configCommand(l *limitFlags, x *exposureFlags, debug *bool) *cobra.Command {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	addConfigFlag(cmd.Flags())
	addLimitFlags(cmd.Flags(), l)
	addExposureFlags(cmd.Flags(), x, false)
	cmd.Flags().BoolVar(debug, "debug", false, "")
	return cmd
}

// TestConfigFile: a config file sets what the command line and the
// environment leave alone; a wrong key or value is one message naming the
// key and the file, without its value.
func TestConfigFile(t *testing.T) {
	type got struct {
		maxBody int64
		bodyTO  time.Duration
		limit   int
		cors    []string
		debug   bool
	}
	defaults := got{maxBody: 1 << 20, bodyTO: 10 * time.Second, limit: 1000}
	tests := []struct {
		name    string
		file    string // written to quarry.yaml (or .toml when it starts with "#toml")
		args    []string
		env     []string
		want    got
		wantErr []string // all in the error; its value never is
		noValue string
	}{
		{name: "no file", want: defaults},
		{name: "file values apply", file: "max-body: 2048\nbody-timeout: 3s\nmax-list-limit: 500\ncors-origins: [https://a.example, https://b.example]\ndebug: true\n",
			want: got{maxBody: 2048, bodyTO: 3 * time.Second, limit: 500, cors: []string{"https://a.example", "https://b.example"}, debug: true}},
		{name: "toml", file: "#toml\nmax-body = 2048\nbody-timeout = \"3s\"\ncors-origins = [\"https://a.example\"]\n",
			want: got{maxBody: 2048, bodyTO: 3 * time.Second, limit: 1000, cors: []string{"https://a.example"}}},
		{name: "one origin as text", file: "cors-origins: https://a.example\n",
			want: got{maxBody: 1 << 20, bodyTO: 10 * time.Second, limit: 1000, cors: []string{"https://a.example"}}},
		{name: "environment beats file", file: "max-body: 2048\nmax-list-limit: 500\n", env: []string{"QUARRY_MAX_BODY=4096", "QUARRY_CORS_ORIGINS=https://e.example"},
			want: got{maxBody: 4096, bodyTO: 10 * time.Second, limit: 500, cors: []string{"https://e.example"}}},
		{name: "flag beats environment and file", file: "max-body: 2048\ndebug: true\n", args: []string{"--max-body", "8192", "--debug=false"},
			env:  []string{"QUARRY_MAX_BODY=4096", "QUARRY_DEBUG=true"},
			want: got{maxBody: 8192, bodyTO: 10 * time.Second, limit: 1000}},
		{name: "empty variable is unset", file: "max-body: 2048\n", env: []string{"QUARRY_MAX_BODY="},
			want: got{maxBody: 2048, bodyTO: 10 * time.Second, limit: 1000}},
		{name: "unknown key suggests the flag", file: "max-bdy: 2048\n", wantErr: []string{`unknown key "max-bdy"`, `did you mean "max-body"`}},
		{name: "unknown key far from any flag", file: "SQL_CONNECTION_STRING: postgres://u:hunter22@db/x\n",
			wantErr: []string{`unknown key "SQL_CONNECTION_STRING"`, "flag names"}, noValue: "hunter22"},
		{name: "nested keys are not read", file: "serve:\n  pool: 3\n", wantErr: []string{`unknown key "serve.pool"`}},
		{name: "bad int", file: "max-body: lots\n", wantErr: []string{"max-body", "want a whole number, got text"}, noValue: "lots"},
		{name: "bad duration", file: "body-timeout: 30\n", wantErr: []string{"body-timeout", "want a duration"}},
		{name: "bad duration text", file: "body-timeout: soon\n", wantErr: []string{"body-timeout", "want a duration"}, noValue: "soon"},
		{name: "bad bool", file: "debug: maybe\n", wantErr: []string{"debug", "want true or false"}, noValue: "maybe"},
		{name: "bad list", file: "cors-origins: {a: 1}\n", wantErr: []string{"cors-origins", "got a map"}},
		{name: "fraction for int", file: "max-list-limit: 2.5\n", wantErr: []string{"max-list-limit", "whole number"}},
		{name: "no value", file: "max-body:\n", wantErr: []string{"max-body", "no value"}},
		{name: "not yaml", file: "max-body: [\n", wantErr: []string{"not valid YAML"}},
		{name: "bad variable names the variable", file: "body-timeout: 3s\n", env: []string{"QUARRY_BODY_TIMEOUT=soon"}, wantErr: []string{"QUARRY_BODY_TIMEOUT"}},
		{name: "a config file names no other", file: "config: other.yaml\n", wantErr: []string{"key config"}},
		{name: "broker password stays out of the file", file: "broker: nats://u:hunter22@nats:4222\n", wantErr: []string{"broker", "QUARRY_BROKER"}, noValue: "hunter22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				l     limitFlags
				x     exposureFlags
				debug bool
			)
			cmd := configCommand(&l, &x, &debug)
			cmd.Flags().String("broker", "", "")
			args := tt.args
			if tt.file != "" {
				name := "quarry.yaml"
				if strings.HasPrefix(tt.file, "#toml") {
					name = "quarry.toml"
				}
				path := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append([]string{"--config", path}, args...)
			}
			if err := cmd.ParseFlags(args); err != nil {
				t.Fatal(err)
			}
			src, err := loadConfig(cmd, tt.env)
			if len(tt.wantErr) > 0 {
				var ue usageError
				if err == nil || !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				for _, w := range append(tt.wantErr, "config file") {
					if w == "config file" && strings.HasPrefix(tt.wantErr[0], "QUARRY_") {
						continue
					}
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				if tt.noValue != "" && strings.Contains(err.Error(), tt.noValue) {
					t.Errorf("error %q quotes the file's value %q", err, tt.noValue)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := got{l.maxBody, l.bodyTO, l.plan.MaxLimit, x.corsOrigins, debug}
			if g.maxBody != tt.want.maxBody || g.bodyTO != tt.want.bodyTO || g.limit != tt.want.limit ||
				!slices.Equal(g.cors, tt.want.cors) || g.debug != tt.want.debug {
				t.Errorf("got %+v, want %+v", g, tt.want)
			}
			if tt.file != "" && src.file == "" {
				t.Error("source does not name the file read")
			}
		})
	}
}

// TestConfigFileMissing: a file named by --config or QUARRY_CONFIG must
// exist; ./quarry.yaml is read only when present, and startup says so.
func TestConfigFileMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	for _, tc := range []struct {
		name string
		args []string
		env  []string
	}{
		{"--config", []string{"--config", missing}, nil},
		{"QUARRY_CONFIG", nil, []string{"QUARRY_CONFIG=" + missing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				l     limitFlags
				x     exposureFlags
				debug bool
			)
			cmd := configCommand(&l, &x, &debug)
			if err := cmd.ParseFlags(tc.args); err != nil {
				t.Fatal(err)
			}
			_, err := loadConfig(cmd, tc.env)
			var ue usageError
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("err = %v, want a usage error naming %s", err, missing)
			}
		})
	}
}

// TestConfigFileInWorkingDirectory: quarry.yaml in the working directory
// is read without being asked for, and the log says so (its key names,
// never its values); none there is no error.
func TestConfigFileInWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	run := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		e := newEnv(strings.NewReader(""), &stdout, &stderr)
		root := e.rootCommand()
		root.SetArgs(args)
		root.SetOut(&stdout)
		root.SetErr(&stderr)
		err := root.Execute()
		return stdout.String() + stderr.String(), err
	}
	if out, err := run("version"); err != nil || strings.Contains(out, "config file") {
		t.Fatalf("no quarry.yaml: err %v, output %q", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "quarry.yaml"), []byte("log-format: json\ncors-origins: [https://secret-origin.example]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run("version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"msg":"config file read`) || !strings.Contains(out, "quarry.yaml") || !strings.Contains(out, `"keys":"log-format"`) {
		t.Errorf("startup does not say, as JSON from the file's log-format, that ./quarry.yaml was read: %q", out)
	}
	if strings.Contains(out, "secret-origin") {
		t.Errorf("the log echoes the file's values: %q", out)
	}
	if out, err := run("version", "--config", os.DevNull); err != nil || strings.Contains(out, "quarry.yaml") {
		t.Errorf("--config %s: err %v, output %q", os.DevNull, err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "quarry.yaml"), []byte("pol: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := run("version"); err == nil || !strings.Contains(err.Error(), `did you mean "pool"`) {
		t.Errorf("unknown key in ./quarry.yaml: err %v, want one suggesting pool", err)
	}
}
