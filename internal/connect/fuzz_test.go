package connect

import (
	"errors"
	"strings"
	"testing"
)

// secretLetters stand for the password's letters in FuzzParse: upper-case
// letters that no message or hint of this package holds three of in a row,
// so a run of three of them in an error can only come from the password.
const secretLetters = "ZJXKV"

// disguise replaces the letters g-z and G-Z of pw with secretLetters and
// keeps every other byte: the separators and escapes (/ # ? @ : %2F) that
// make a pasted password go wrong are what the fuzzer should vary, and
// the hex digits of escapes stay intact.
func disguise(pw string) string {
	b := []byte(pw)
	for i, c := range b {
		if c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z' {
			b[i] = secretLetters[int(c)%len(secretLetters)]
		}
	}
	return string(b)
}

// fixedNumbers holds the numbers this package's messages and hints
// write: a run of digits of the password found among them may be theirs.
const fixedNumbers = "5432 3306 1 to 65535"

// secretRuns returns the runs of three or more secretLetters in pw, and
// of four or more digits (a password of digits before an unescaped / is
// read as a port) that the fixed texts do not hold.
func secretRuns(pw string) []string {
	var runs []string
	for _, in := range []struct {
		set string
		min int
	}{{secretLetters, 3}, {"0123456789", 4}} {
		start := -1
		for i := 0; i <= len(pw); i++ {
			if i < len(pw) && strings.IndexByte(in.set, pw[i]) >= 0 {
				if start < 0 {
					start = i
				}
				continue
			}
			if run := pw[max(start, 0):i]; start >= 0 && len(run) >= in.min && !strings.Contains(fixedNumbers, run) {
				runs = append(runs, run)
			}
			start = -1
		}
	}
	return runs
}

// FuzzParse parses connection URIs with a password in the userinfo, as
// users paste them (often without percent-encoding). Parse may refuse
// them but must not panic, and neither its errors nor Redacted may show
// any part of the password.
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ scheme, user, pw, rest string }{
		{"postgres", "u", "p", "db.example.com/app"},
		{"postgresql", "u%40corp", "p%2Fw%23rd%3F", "[::1]:5433/my%20db?sslmode=verify-full&application_name=x"},
		{"mysql", "root", "secret", "127.0.0.1:3306/"},
		{"mariadb", "a", "b", "mysql.internal/shop?tls=skip-verify"},
		// Unescaped separators in the password.
		{"postgres", "u", "secret/word", "h/db"},
		{"postgres", "u", "pass#word", "h:5432/db"},
		{"postgres", "u", "pass?word=1", "h/db"},
		{"postgres", "u", "pa@ss", "h/db"},
		{"mysql", "u", "pass:word", "h:99999/db"},
		{"postgres", "u", "%zzsecret", "h/db"},
		{"postgres", "", "secret", "h/db?sslmode=bogus"},
		{"sqlite", "", "", "/tmp/x.db"},
		{"POSTGRES", "u", "[secret]", "h/db/x"},
		// A password of digits before an unescaped / was read as a port
		// and shown in the port's error or the missing user's hint.
		{"postgres", "admin", "123456/x", "h/db"},
		{"mysql", "admin", "4242/x", "h/db"},
	} {
		f.Add(s.scheme, s.user, s.pw, s.rest)
	}
	f.Fuzz(func(t *testing.T, scheme, user, pw, rest string) {
		pw = disguise(pw)
		raw := scheme + "://" + user + ":" + pw + "@" + rest
		shown := show(t, raw)
		// Only a server URI has a password, and only a user name without
		// separators makes pw the password as written.
		switch strings.ToLower(strings.TrimSpace(scheme)) {
		case "postgres", "postgresql", "mysql", "mariadb":
		default:
			return
		}
		if strings.ContainsAny(user, ":/?#@[]") || strings.TrimSpace(scheme) != scheme {
			return
		}
		// The same URI with another password of the same shape: text
		// shown for both did not come from the password (a percent
		// escape next to digits of the host, say).
		other := show(t, scheme+"://"+user+":"+rotate(pw)+"@"+rest)
		for _, run := range secretRuns(pw) {
			if strings.Contains(shown, run) && !strings.Contains(other, run) && !strings.Contains(scheme+user+rest, run) {
				t.Fatalf("password text %q shown:\n%s\n(from %q)", run, shown, raw)
			}
		}
	})
}

// show parses raw and returns what the user may see: the error and its
// hint, or the redacted URI.
func show(t *testing.T, raw string) string {
	t.Helper()
	cfg, err := Parse(raw)
	if err != nil {
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("error %T is not a *connect.Error", err)
		}
		return err.Error() + "\n" + ce.Hint
	}
	return cfg.Redacted() + "\n" + cfg.String()
}

// rotate changes every digit and secret letter of pw to another of its
// kind, keeping every other byte, so the URI parses the same way.
func rotate(pw string) string {
	b := []byte(pw)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '0' + (c-'0'+5)%10
		} else if j := strings.IndexByte(secretLetters, c); j >= 0 {
			b[i] = secretLetters[(j+1)%len(secretLetters)]
		}
	}
	return string(b)
}
