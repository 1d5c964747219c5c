package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestFlagsFromTheEnvironment: a flag the command line leaves alone takes
// QUARRY_<FLAG>; the command line wins; a bad value names the variable.
func TestFlagsFromTheEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    limitFlags
		wantErr string
	}{
		{"defaults", nil, nil, limitFlags{maxBody: 1 << 20, bodyTO: 10 * time.Second}, ""},
		{"from the environment", nil, map[string]string{"QUARRY_MAX_BODY": "2048", "QUARRY_BODY_TIMEOUT": "3s"},
			limitFlags{maxBody: 2048, bodyTO: 3 * time.Second}, ""},
		{"the command line wins", []string{"--max-body", "4096"}, map[string]string{"QUARRY_MAX_BODY": "2048"},
			limitFlags{maxBody: 4096, bodyTO: 10 * time.Second}, ""},
		{"a bad value", nil, map[string]string{"QUARRY_BODY_TIMEOUT": "soon"}, limitFlags{}, "QUARRY_BODY_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l limitFlags
			cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
			addLimitFlags(cmd.Flags(), &l)
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			var environ []string
			for k, v := range tt.env {
				environ = append(environ, k+"="+v)
			}
			_, err := loadConfig(cmd, environ)
			if tt.wantErr != "" {
				var ue usageError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.maxBody != tt.want.maxBody || l.bodyTO != tt.want.bodyTO {
				t.Errorf("max-body %d body-timeout %v, want %d %v", l.maxBody, l.bodyTO, tt.want.maxBody, tt.want.bodyTO)
			}
		})
	}
}

// TestPoolAboveMaxConnectionsWarns: two default instances overran a
// 20-connection server; serve now says so at start.
func TestPoolAboveMaxConnectionsWarns(t *testing.T) {
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			cfg, err := connect.Parse(db.URI)
			if err != nil {
				t.Fatal(err)
			}
			cdb, err := connect.Open(context.Background(), cfg, connect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer cdb.Close()
			avail, err := cdb.MaxConnections(context.Background())
			if err != nil || avail <= 0 {
				t.Fatalf("max connections %d: %v", avail, err)
			}
			var out bytes.Buffer
			e := newEnv(strings.NewReader(""), &out, &out)
			e.warnPoolSize(context.Background(), cdb, avail+1)
			if !strings.Contains(out.String(), "above the") || !strings.Contains(out.String(), "--pool") {
				t.Errorf("no warning for --pool %d over %d: %q", avail+1, avail, out.String())
			}
			out.Reset()
			e.warnPoolSize(context.Background(), cdb, 2)
			if out.Len() != 0 {
				t.Errorf("warned for --pool 2: %q", out.String())
			}
		})
	}
}
