package secrets_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/secrets"
)

// redactingWriter is the CLI's: Redact on each formatted line.
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

// logger builds a logger as the CLI does, without the time (so two runs
// compare equal).
func logger(r *secrets.Redactor, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(redactingWriter{r, w}, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return r.ReplaceAttr(groups, a)
		}}))
}

// benign logs ordinary lines that hold the short passwords of
// TestRedactPasswords as words or parts of words, and the user, host, port
// and database of its URIs.
func benign(l *slog.Logger) {
	l.Error("connect: cannot reach 127.0.0.1:5432: connection refused")
	l.Error("query failed", "error", `relation "postgres_missing_table" does not exist`, "sqlstate", "42P01")
	l.Info("connection refused", "host", "db.example.com", "port", 5432, "database", "postgres", "user", "app")
	l.Info("a table: xxxxx, p/@%w and 100% done", "path", "/a/b@c")
	l.Warn("dial tcp 127.0.0.1:6543: connect: connection refused", "mode", "prefer")
}

// TestRedactPasswords: for each password, (1) the URIs Quarry prints
// show the user, host, port and database and never the password, (2)
// ordinary log lines are left exactly as they are, and (3) a long random
// password is masked wherever it appears in text.
func TestRedactPasswords(t *testing.T) {
	const long = "N7f$Qw2Lp9xZr4Tk"
	tests := []struct {
		name, pw string
		// masked: long and random enough to be hidden as a substring.
		masked bool
	}{
		{"scheme", "postgres", false},
		{"port", "5432", false},
		{"word", "connect", false},
		{"one char", "a", false},
		{"the mask", "xxxxx", false},
		{"long random", long, true},
		{"separators", "p/@%w", false},
		{"long separators", "Zq8/vR@2%kLm#7?x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pg := (&url.URL{Scheme: "postgres", User: url.UserPassword("app", tt.pw), Host: "db.example.com:6543",
				Path: "/shop", RawQuery: "application_name=quarry"}).String()
			// A password equal to the user, and a port and database the
			// short passwords are part of.
			my := (&url.URL{Scheme: "mysql", User: url.UserPassword(tt.pw, tt.pw), Host: "127.0.0.1:5432", Path: "/postgres"}).String()
			dsn := "host=db.example.com port=5432 user=app password='" + strings.ReplaceAll(tt.pw, "'", `\'`) + "' dbname=postgres"

			var r secrets.Redactor
			r.Add(pg, my, dsn)

			// (1) Printed URIs.
			var want [][2]string // got, want
			cfg, err := connect.Parse(pg)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, [2]string{cfg.Redacted(), "postgres://app:xxxxx@db.example.com:6543/shop?application_name=quarry&sslmode=verify-full"})
			want = append(want, [2]string{cfg.String(), want[len(want)-1][1]})
			cfg, err = connect.Parse(my)
			if err != nil {
				t.Fatal(err)
			}
			enc := url.User(tt.pw).String()
			want = append(want, [2]string{cfg.Redacted(), "mysql://" + enc + ":xxxxx@127.0.0.1:5432/postgres?sslmode=prefer"})
			// A parameter that repeats the password is masked too; one
			// that merely contains a short password is not.
			cfg, err = connect.Parse(pg + "&fallback_application_name=" + url.QueryEscape(tt.pw) + "&options=connection")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, [2]string{cfg.Redacted(), "postgres://app:xxxxx@db.example.com:6543/shop?application_name=quarry&fallback_application_name=xxxxx&options=connection&sslmode=verify-full"})
			want = append(want, [2]string{secrets.RedactURI(pg), "postgres://app:xxxxx@db.example.com:6543/shop?application_name=quarry"})
			want = append(want, [2]string{secrets.RedactURI(my), "mysql://" + enc + ":xxxxx@127.0.0.1:5432/postgres"})
			want = append(want, [2]string{secrets.RedactURI(dsn), "host=db.example.com port=5432 user=app password=xxxxx dbname=postgres"})
			// A registered URI found in text is replaced by its
			// structural form, not by a mask.
			want = append(want, [2]string{r.Redact("dial " + pg + " failed"), "dial postgres://app:xxxxx@db.example.com:6543/shop?application_name=quarry failed"})
			for _, gw := range want {
				if got, w := gw[0], gw[1]; got != w {
					t.Errorf("printed URI\n got %s\nwant %s", got, w)
				}
			}

			// (2) Ordinary lines stay intact: the same as with nothing
			// registered.
			var plain, red bytes.Buffer
			benign(logger(&secrets.Redactor{}, &plain))
			benign(logger(&r, &red))
			if red.String() != plain.String() {
				t.Errorf("ordinary log lines changed:\n%s\nwant\n%s", red.String(), plain.String())
			}
			for _, s := range []string{"connection refused", `relation \"postgres_missing_table\"`, "port=5432", "database=postgres", "user=app"} {
				if !strings.Contains(red.String(), s) {
					t.Errorf("log lost %q:\n%s", s, red.String())
				}
			}

			// Attributes are masked by key and URIs structurally, whatever
			// the password.
			red.Reset()
			l := logger(&r, &red)
			l.Info("opening", "password", tt.pw, "db_password", tt.pw, "api_key", tt.pw, "Authorization", "Bearer "+tt.pw,
				"uri", pg, "dsn", dsn, "database_url", my)
			// A long random password is masked in the log even as the
			// user name of the MySQL URI (it is a secret wherever it is).
			logUser := enc
			if tt.masked {
				logUser = secrets.Mask
			}
			wantLine := "level=INFO msg=opening password=[REDACTED] db_password=[REDACTED] api_key=[REDACTED] Authorization=[REDACTED]" +
				" uri=" + maybeQuote("postgres://app:xxxxx@db.example.com:6543/shop?application_name=quarry") +
				" dsn=" + maybeQuote("host=db.example.com port=5432 user=app password=xxxxx dbname=postgres") +
				" database_url=" + maybeQuote("mysql://"+logUser+":xxxxx@127.0.0.1:5432/postgres") + "\n"
			if red.String() != wantLine {
				t.Errorf("attributes:\n got %s\nwant %s", red.String(), wantLine)
			}

			// (3) A long random password is masked wherever it appears;
			// a short one is left to structural printing.
			red.Reset()
			l.Error("auth failed: pw="+tt.pw+"; encoded "+url.QueryEscape(tt.pw), "error", "driver said "+tt.pw+"!", "detail", `"`+tt.pw+`"`)
			text := r.Redact("x" + tt.pw + "y")
			if tt.masked {
				for _, s := range []string{red.String(), text} {
					if strings.Contains(s, tt.pw) || strings.Contains(s, url.QueryEscape(tt.pw)) || !strings.Contains(s, secrets.Mask) {
						t.Errorf("long password not masked: %s", s)
					}
				}
				if text != "x"+secrets.Mask+"y" {
					t.Errorf("Redact = %q", text)
				}
			} else if text != "x"+tt.pw+"y" || strings.Contains(red.String(), secrets.Mask) {
				t.Errorf("short password masked as a substring: %q\n%s", text, red.String())
			}
		})
	}
}

// maybeQuote quotes s as slog's text handler does (only when it needs it).
func maybeQuote(s string) string {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key != "v" {
			return slog.Attr{}
		}
		return a
	}})).Info("", "v", s)
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "v="), "\n")
}

func TestMaskable(t *testing.T) {
	for v, want := range map[string]bool{
		"postgres":                  false, // short
		"5432":                      false,
		"connect":                   false,
		"administrator":             false, // one word, under 20
		"aaaaaaaaaaaaaaaaaaaa":      false, // too few distinct characters
		"123412341234":              false,
		"Tr0ub4dor-and-3":           true,
		"N7f$Qw2Lp9xZr4Tk":          true,
		"correcthorsebatterystaple": true, // a single class, but 20 or more
	} {
		if got := secrets.Maskable(v); got != want {
			t.Errorf("Maskable(%q) = %v, want %v", v, got, want)
		}
	}
	// A value that is part of what is printed anyway is not masked.
	if secrets.Maskable("db-01.example.com", "postgres://app:xxxxx@db-01.example.com:5432/shop") {
		t.Error("a password equal to the host is masked")
	}
}

func TestSecretKey(t *testing.T) {
	for k, want := range map[string]bool{
		"password": true, "db_password": true, "PGPASSWORD": true, "secret": true, "client-secret": true,
		"token": true, "nextToken": true, "api_key": true, "x-api-key": true, "Authorization": true,
		"cookie": true, "pass": true, "sslpassword": true,
		"secrets": false, "token_count": false, "error": false, "host": false, "uri": false, "passes": false,
	} {
		if got := secrets.SecretKey(k); got != want {
			t.Errorf("SecretKey(%q) = %v, want %v", k, got, want)
		}
	}
	for k, want := range map[string]bool{"uri": true, "database_url": true, "DSN": true, "broker": true, "connection-string": true, "error": false} {
		if got := secrets.URIKey(k); got != want {
			t.Errorf("URIKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestRedactURIForms(t *testing.T) {
	for raw, want := range map[string]string{
		// Unescaped separators: everything between the first : and the
		// last @ is the password.
		"postgres://u:pa/ss@h/db":                      "postgres://u:xxxxx@h/db",
		"postgres://u:p@ss#w@h:5432/db":                "postgres://u:xxxxx@h:5432/db",
		"postgres://u@h/db?password=hunter2&sslmode=x": "postgres://u@h/db?password=xxxxx&sslmode=x",
		"postgres://h/db":                              "postgres://h/db",
		"postgres://u:connect@h/db?application_name=connect&options=connection": "postgres://u:xxxxx@h/db?application_name=xxxxx&options=connection",
		"root:secret@tcp(127.0.0.1:3306)/shop?tls=true":                         "root:xxxxx@tcp(127.0.0.1:3306)/shop?tls=true",
		"user=app password=secret host=h":                                       "user=app password=xxxxx host=h",
		"sqlite:./app.db":                                                       "sqlite:./app.db",
		"nats://token@host:4222":                                                "nats://token@host:4222",
		"see a@b for details":                                                   "see a@b for details",
	} {
		if got := secrets.RedactURI(raw); got != want {
			t.Errorf("RedactURI(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestRedactorConcurrent(t *testing.T) {
	var r secrets.Redactor
	done := make(chan bool)
	go func() {
		for i := 0; i < 100; i++ {
			r.Add("postgres://u:N7f$Qw2Lp9xZr4Tk@h/db")
		}
		close(done)
	}()
	for i := 0; i < 100; i++ {
		_ = r.Redact("text")
	}
	<-done
	if got := r.Redact("N7f$Qw2Lp9xZr4Tk"); got != secrets.Mask {
		t.Errorf("Redact = %q", got)
	}
}
