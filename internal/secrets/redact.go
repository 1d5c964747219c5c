package secrets

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Keeping secrets out of output takes three layers, from the most to the
// least precise:
//
//  1. Connection URIs are printed structurally, never as written: the
//     user, host, port, database and parameters are shown and the password
//     is xxxxx, as url.URL.Redacted writes it (connect.Config.Redacted,
//     RedactURI). This is what keeps a short or common password such as
//     "postgres", "5432" or "connect" out of output: nothing that prints a
//     URI prints its password, so no text needs to be searched for it.
//  2. Log attributes are masked by key (Redactor.ReplaceAttr): the value
//     of a key that names a secret (password, secret, token, api_key,
//     authorization, …; see SecretKey) is replaced by Mask, and the value
//     of a key that names a URI or DSN (uri, url, dsn, …; see URIKey) is
//     redacted structurally as in 1.
//  3. Substring masking (Redactor.Redact) hides registered values wherever
//     they appear in free text (error messages, log lines), but only
//     values long and random enough that a match is the secret and not an
//     ordinary word: see Maskable for the rule. Replacing a short or
//     common value everywhere would mangle ordinary text ("connection
//     refused" with the password "connect") and, worse, tell the reader
//     the password (a masked scheme or port says the password is
//     "postgres" or "5432").

// Mask replaces a secret found in text and the value of a secret log
// attribute.
const Mask = "[REDACTED]"

// URIMask stands for the password of a URI printed structurally, as
// url.URL.Redacted writes it.
const URIMask = "xxxxx"

// MinMaskLen is the fewest characters a value needs to be masked as a
// substring of free text (see Maskable).
const MinMaskLen = 12

// Maskable reports whether v may be hidden wherever it appears as a
// substring of free text. The rule: v has
//
//   - at least MinMaskLen (12) characters,
//   - at least 6 distinct characters (not "aaaaaaaaaaaa" or
//     "123412341234"),
//   - characters of at least two classes among letters, digits and other
//     characters, unless it has 20 or more (a single word or number of
//     12–19 characters, such as "administrator", may be ordinary text), and
//   - it is not part of any of public: the text printed beside it anyway,
//     such as its URI printed structurally (user name, host, port,
//     database, parameters). Masking it there would hide what is shown on
//     purpose and say that the password equals it.
//
// A value that fails the rule is never searched for in text: it is kept
// out of output by printing URIs structurally and masking log attributes
// by key, never by replacing it wherever it happens to occur.
func Maskable(v string, public ...string) bool {
	n := utf8.RuneCountInString(v)
	if n < MinMaskLen {
		return false
	}
	distinct := map[rune]bool{}
	var letter, digit, other bool
	for _, c := range v {
		distinct[c] = true
		switch {
		case unicode.IsLetter(c):
			letter = true
		case unicode.IsDigit(c):
			digit = true
		default:
			other = true
		}
	}
	if len(distinct) < 6 {
		return false
	}
	classes := 0
	for _, b := range []bool{letter, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 2 && n < 20 {
		return false
	}
	for _, p := range public {
		if strings.Contains(p, v) {
			return false
		}
	}
	return true
}

// Redactor hides registered secret values in text before it is shown. Its
// zero value is ready to use, and it is safe for concurrent use.
type Redactor struct {
	mu sync.RWMutex
	// subs is sorted longest old first, so a value that contains another
	// is replaced whole.
	subs []substitution
}

type substitution struct{ old, new string }

// Add registers secret values. A URI or DSN with a password (or a secret
// query parameter) is registered whole, to be replaced by its structural
// redaction (RedactURI), and its password is registered as by AddSecret
// with the redacted URI as the public text beside it. A URI without
// either is not registered. Any other value is registered by AddSecret.
func (r *Redactor) Add(values ...string) {
	for _, v := range values {
		redacted, secrets := splitURI(v)
		if len(secrets) == 0 {
			// A URI without a password or secret parameter holds nothing
			// to hide.
			if scheme, _, ok := strings.Cut(v, "://"); !ok || !isScheme(scheme) {
				r.AddSecret(v)
			}
			continue
		}
		r.put(v, redacted)
		public := []string{redacted}
		if u, err := url.PathUnescape(redacted); err == nil {
			public = append(public, u)
		}
		for _, s := range secrets {
			r.AddSecret(s, public...)
			if d, err := url.PathUnescape(s); err == nil && d != s {
				r.AddSecret(d, public...)
			}
		}
	}
}

// AddSecret registers one secret value if Maskable(v, public...) holds,
// together with the forms it takes when escaped in a URI, a quoted log
// value or JSON. public is the text printed beside the value anyway (its
// URI's user, host, port and database), which must stay readable.
func (r *Redactor) AddSecret(v string, public ...string) {
	if !Maskable(v, public...) {
		return
	}
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v),
		strings.TrimPrefix(url.UserPassword("", v).String(), ":")}
	if q := strconv.Quote(v); len(q) >= 2 {
		forms = append(forms, q[1:len(q)-1])
	}
	if j, err := json.Marshal(v); err == nil && len(j) >= 2 {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	for _, f := range forms {
		r.put(f, Mask)
	}
}

func (r *Redactor) put(old, new string) {
	if old == "" || old == new {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.subs {
		if s.old == old {
			return
		}
	}
	r.subs = append(r.subs, substitution{old, new})
	sort.SliceStable(r.subs, func(i, j int) bool { return len(r.subs[i].old) > len(r.subs[j].old) })
}

// Redact returns s with every registered value replaced: a registered URI
// by its structural redaction, any other value by Mask. A nil Redactor
// returns s unchanged.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, sub := range r.subs {
		s = strings.ReplaceAll(s, sub.old, sub.new)
	}
	return s
}

// ReplaceAttr is a slog.HandlerOptions.ReplaceAttr: the value of an
// attribute whose key names a secret (SecretKey) becomes Mask, the value
// of one whose key names a URI or DSN (URIKey) is redacted structurally
// (RedactURI), and every string value, the message included, passes
// through Redact.
func (r *Redactor) ReplaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.SourceKey) {
		return a
	}
	v := a.Value.Resolve()
	if SecretKey(a.Key) {
		if v.Kind() == slog.KindString && v.String() == "" {
			return a
		}
		return slog.String(a.Key, Mask)
	}
	var s string
	switch v.Kind() {
	case slog.KindString:
		s = v.String()
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			s = x.Error()
		case fmt.Stringer:
			if !URIKey(a.Key) {
				return a
			}
			s = x.String()
		default:
			return a
		}
	default:
		return a
	}
	if URIKey(a.Key) {
		s = RedactURI(s)
	}
	return slog.String(a.Key, r.Redact(s))
}

// normKey lowercases a key and drops the separators people put in it, so
// api_key, api-key, apiKey and X-Api-Key compare alike.
func normKey(k string) string {
	return strings.Map(func(c rune) rune {
		switch c {
		case '_', '-', '.', ' ':
			return -1
		}
		return unicode.ToLower(c)
	}, k)
}

// SecretKey reports whether a log attribute or URI parameter named k
// holds a secret: after lowercasing and dropping _ - . and spaces, k is
// or ends in password, passwd, pwd, secret, token, apikey, authorization,
// cookie, credential(s), privatekey or signingkey, or is pass (so
// db_password, x-api-key, clientSecret and nextToken are secret; secrets
// and token_count are not).
func SecretKey(k string) bool {
	n := normKey(k)
	if n == "pass" {
		return true
	}
	for _, s := range []string{"password", "passwd", "pwd", "secret", "token", "apikey",
		"authorization", "cookie", "credential", "credentials", "privatekey", "signingkey"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// URIKey reports whether a log attribute named k holds a URI or DSN:
// after normalising as SecretKey does, k is or ends in uri, url, dsn,
// connectionstring or broker.
func URIKey(k string) bool {
	n := normKey(k)
	for _, s := range []string{"uri", "url", "dsn", "connectionstring", "broker"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// RedactURI prints a connection URI or DSN structurally, as
// url.URL.Redacted does: the scheme, user, host, port, database and
// parameters stay, the password becomes URIMask, and so does the value of
// every parameter SecretKey names (?password=, ?sslpassword=, …). It reads
// scheme://user:password@host/..., user:password@tcp(host)/db
// (go-sql-driver/mysql) and key=value DSNs (libpq); other text is returned
// as is. The password is everything between the first : and the last @,
// so one with an unescaped / or @ is hidden whole.
func RedactURI(raw string) string {
	redacted, _ := splitURI(raw)
	return redacted
}

// kvPassword matches a secret in a libpq key=value DSN.
var kvPassword = regexp.MustCompile(`(?i)(^|\s)(password|passwd|pwd|sslpassword)(\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)

// mysqlAddr matches what follows the @ of a go-sql-driver/mysql DSN:
// net(address)/dbname.
var mysqlAddr = regexp.MustCompile(`^[a-z0-9]*(\([^()]*\))?/`)

// splitURI returns raw redacted structurally (RedactURI) and the secret
// parts of it, as written.
func splitURI(raw string) (redacted string, secrets []string) {
	if scheme, rest, ok := strings.Cut(raw, "://"); ok && isScheme(scheme) {
		userinfo, hostpart := "", rest
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			userinfo, hostpart = rest[:at+1], rest[at+1:]
		}
		pw := ""
		if user, p, ok := strings.Cut(strings.TrimSuffix(userinfo, "@"), ":"); ok {
			userinfo = user + ":" + URIMask + "@"
			secrets = append(secrets, p)
			pw = p
		}
		hostpart, qs := redactQuery(hostpart, pw)
		return scheme + "://" + userinfo + hostpart, append(secrets, qs...)
	}
	if m := kvPassword.FindAllStringSubmatch(raw, -1); m != nil {
		for _, g := range m {
			secrets = append(secrets, strings.Trim(g[4], "'"), g[4])
		}
		return kvPassword.ReplaceAllString(raw, "${1}${2}${3}"+URIMask), secrets
	}
	// user:password@tcp(host:3306)/db
	if at := strings.LastIndex(raw, "@"); at > 0 && !strings.ContainsAny(raw[:at], " \t\r\n") && mysqlAddr.MatchString(raw[at+1:]) {
		if user, pw, ok := strings.Cut(raw[:at], ":"); ok {
			hostpart, qs := redactQuery(raw[at+1:], pw)
			return user + ":" + URIMask + "@" + hostpart, append([]string{pw}, qs...)
		}
	}
	return raw, nil
}

// redactQuery masks the values of secret parameters in the query of
// s (host/path?query#fragment) and returns them as written. A parameter
// is secret if SecretKey names it, or if its value is the URI's password
// pw (as written or decoded), or holds it and it is Maskable.
func redactQuery(s, pw string) (string, []string) {
	head, query, ok := strings.Cut(s, "?")
	if !ok {
		return s, nil
	}
	query, frag, hasFrag := strings.Cut(query, "#")
	var secrets []string
	pairs := strings.Split(query, "&")
	for i, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if SecretKey(name) || holdsPassword(v, pw) {
			secrets = append(secrets, v)
			pairs[i] = k + "=" + URIMask
		}
	}
	out := head + "?" + strings.Join(pairs, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out, secrets
}

// holdsPassword reports whether a query parameter's value v (as written)
// is the password pw (as written in the userinfo), or holds it and it is
// long and random enough for that to be no accident (Maskable).
func holdsPassword(v, pw string) bool {
	if pw == "" {
		return false
	}
	dv, err := url.QueryUnescape(v)
	if err != nil {
		dv = v
	}
	dpw, err := url.PathUnescape(pw)
	if err != nil {
		dpw = pw
	}
	for _, x := range []string{v, dv} {
		for _, p := range []string{pw, dpw} {
			if x == p || Maskable(p) && strings.Contains(x, p) {
				return true
			}
		}
	}
	return false
}

// isScheme reports whether s is a URI scheme (RFC 3986: a letter, then
// letters, digits, + - .).
func isScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
