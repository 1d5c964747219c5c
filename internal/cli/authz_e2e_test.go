package cli

// Authorization end to end, on every engine: a small schema whose
// resource.graphql uses every rule kind, served by the sandbox, called
// over HTTP by every kind of identity (API key, user-pool and OIDC tokens
// from `quarry sandbox token`, a custom authorizer webhook, guests, and
// forged, expired and wrong-audience tokens). Each case states what that
// caller must get back and, for mutations, what must be in the database
// afterwards.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/testdb"
)

var authzFixture = map[string]string{
	testdb.Postgres: `
CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL, owner text);
CREATE TABLE note (id serial PRIMARY KEY, owner text, title text NOT NULL, secret text, author_id int REFERENCES author(id), meta jsonb[]);
CREATE TABLE doc (id serial PRIMARY KEY, grp text, title text NOT NULL);
CREATE TABLE board (id serial PRIMARY KEY, title text NOT NULL, editors text[], teams text[]);`,
	testdb.MySQL: `
CREATE TABLE author (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, owner VARCHAR(200));
CREATE TABLE note (id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(200), title VARCHAR(200) NOT NULL, secret VARCHAR(200), author_id INT, FOREIGN KEY (author_id) REFERENCES author(id));
CREATE TABLE doc (id INT AUTO_INCREMENT PRIMARY KEY, grp VARCHAR(50), title VARCHAR(200) NOT NULL);`,
	testdb.SQLite: `
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner TEXT);
CREATE TABLE note (id INTEGER PRIMARY KEY, owner TEXT, title TEXT NOT NULL, secret TEXT, author_id INTEGER REFERENCES author(id));
CREATE TABLE doc (id INTEGER PRIMARY KEY, grp TEXT, title TEXT NOT NULL);`,
}

// authzRules uses every rule kind. %s is the webhook's URL.
const authzRules = `
extend schema @authorizationModes(
  defaultAuthorizationMode: apiKey,
  apiKeyAuthorizationMode: {expiresInDays: 30},
  identityPoolAuthorizationMode: {},
  lambdaAuthorizationMode: {url: "%s", timeToLiveInSeconds: 0})

extend type note @auth(rules: [
  {allow: owner},
  {allow: groups, groups: ["Admin"]},
  {allow: public, provider: apiKey, operations: [read]},
  {allow: private, provider: oidc, operations: [get]},
  {allow: custom, operations: [list]}
]) {
  secret: String @auth(rules: [{allow: owner}, {allow: groups, groups: ["Admin"]}])
}
extend type doc @auth(rules: [{allow: groups, groupsField: "grp"}, {allow: public, provider: identityPool, operations: [list]}])
extend type author @auth(rules: [{allow: private}]) {
  name: String! @auth(rules: [{allow: owner}])
}

type Query {
  noteCount: Int @sql(statement: "SELECT count(*) AS n FROM note") @auth(rules: [{allow: groups, groups: ["Admin"]}])
  notesByTitle(prefix: String!): [note] @sql(statement: "SELECT * FROM note WHERE title LIKE :prefix ORDER BY id") @auth(rules: [{allow: private}])
}
type Mutation {
  bumpCount: Int @sql(statement: "SELECT 41 + 1 AS n") @auth(rules: [{allow: private}])
}
type Subscription {
  onNoteChange(title: String): note @aws_subscribe(mutations: ["createNote", "updateNote"]) @auth(rules: [{allow: public, provider: apiKey}])
  onBump: Int @aws_subscribe(mutations: ["bumpCount"]) @auth(rules: [{allow: private}])
}
`

// Lists of owners and of groups are PostgreSQL arrays; MySQL and SQLite
// have no list column that can hold user names.
const authzBoardRules = `
extend type board @auth(rules: [{allow: owner, ownerField: "editors"}, {allow: groups, groupsField: "teams"}])
`

// authzAPI is the authorization fixture served on one engine.
type authzAPI struct {
	db      *testdb.DB
	project string
	url     string
	key     string
	tokens  map[string]string // by caller name
	webhook *atomic.Bool      // false: the webhook answers 502
}

func owner(user string) string { return auth.DevSub(user) + "::" + user }

func startAuthz(t *testing.T, db *testdb.DB) *authzAPI {
	t.Helper()
	db.Exec(t, authzFixture[db.Engine])
	db.Exec(t, fmt.Sprintf(`INSERT INTO author (id, name, owner) VALUES (1, 'Ann', '%s'), (2, 'Bo', '%s');
INSERT INTO note (id, owner, title, secret, author_id) VALUES (1, '%s', 'a1', 's-a', 1), (2, '%s', 'b1', 's-b', 1), (3, '%s', 'a2', NULL, NULL);
INSERT INTO doc (id, grp, title) VALUES (1, 'Admin', 'adm'), (2, 'Sales', 'sal'), (3, NULL, 'none');`,
		owner("alice"), owner("bob"), owner("alice"), owner("bob"), owner("alice")))
	if db.Engine == testdb.Postgres {
		db.Exec(t, fmt.Sprintf(`INSERT INTO board (id, title, editors, teams) VALUES (1, 'x', ARRAY['%s', 'zed'], ARRAY['Sales']), (2, 'y', ARRAY['%s'], '{}');
SELECT setval('note_id_seq', 10); SELECT setval('board_id_seq', 10);`, owner("alice"), owner("bob")))
	}

	rules := authzRules
	if db.Engine == testdb.Postgres {
		rules += authzBoardRules
	}
	return startAuthzWith(t, db, rules, map[string][]string{
		"alice": {"--user", "alice"},
		"bob":   {"--user", "bob"},
		"carol": {"--user", "carol", "--groups", "Admin"},
		"dave":  {"--user", "dave", "--groups", "Sales"},
		"erin":  {"--user", "erin", "--provider", "oidc"},
	})
}

// startAuthzWith serves db with resource (whose %s is replaced by the
// custom authorizer's URL) and mints a token per entry of users, by
// `quarry sandbox token` with those arguments, plus the tokens no one
// should accept.
func startAuthzWith(t *testing.T, db *testdb.DB, resource string, users map[string][]string) *authzAPI {
	t.Helper()
	up := &atomic.Bool{}
	up.Store(true)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		var req struct {
			AuthorizationToken string `json:"authorizationToken"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"isAuthorized":    req.AuthorizationToken == "let-me-in",
			"resolverContext": map[string]any{"tenant": "acme"},
			"deniedFields":    []string{"note.title"},
		})
	}))
	t.Cleanup(hook.Close)

	project, dataDir := generatedProject(t, db)
	if err := os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(fmt.Sprintf(resource, hook.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	a := &authzAPI{db: db, project: project, webhook: up, tokens: map[string]string{}}
	a.url, a.key = startSandbox(t, project, false, nil)

	// Tokens as a developer gets them: from the CLI.
	for name, args := range users {
		code, out, errs := run(t, "", append([]string{"sandbox", "token", "--project", project}, args...)...)
		if code != 0 {
			t.Fatalf("sandbox token %v: %s", args, errs)
		}
		a.tokens[name] = strings.TrimSpace(out)
	}
	// Tokens nobody should accept: signed with another key, expired, and
	// minted for another application, all naming the sandbox as issuer.
	base := strings.TrimSuffix(a.url, "/graphql") + devUserPoolPath
	e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
	e.projectFlag = project
	keyFile, err := e.devKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]auth.DevIssuerConfig{
		"forged":        {Issuer: base, KeyFile: filepath.Join(t.TempDir(), "other-key.json")},
		"expired":       {Issuer: base, KeyFile: keyFile, Now: func() time.Time { return time.Now().Add(-3 * time.Hour) }},
		"wrongAudience": {Issuer: base, KeyFile: keyFile, ClientID: "another-app"},
	} {
		iss, err := auth.NewDevIssuer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if a.tokens[name], err = iss.Token(auth.DevToken{Username: "alice"}); err != nil {
			t.Fatal(err)
		}
	}
	// A signature over other claims (the first two users').
	if len(users) >= 2 {
		names := make([]string, 0, len(users))
		for n := range users {
			names = append(names, n)
		}
		sort.Strings(names)
		ap, bp := strings.Split(a.tokens[names[0]], "."), strings.Split(a.tokens[names[1]], ".")
		a.tokens["tampered"] = ap[0] + "." + bp[1] + "." + ap[2]
	}
	return a
}

// authzResult is what one call returned.
type authzResult struct {
	status int
	errorT string // x-amzn-ErrorType of a refused request
	data   map[string]any
	errs   []struct {
		Message   string `json:"message"`
		ErrorType string `json:"errorType"`
		Path      []any  `json:"path"`
	}
}

// call sends query as who: an API key ("key"), a token by caller name
// (with "Bearer " when who ends in "+bearer"), the webhook's token
// ("lambda"), or nothing ("guest").
func (a *authzAPI) call(t *testing.T, who, query string) authzResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{}})
	req, _ := http.NewRequest(http.MethodPost, a.url, bytes.NewReader(body))
	req.Header.Set("content-type", "application/json; charset=UTF-8")
	req.Header.Set("x-amz-user-agent", "aws-amplify/6.22.1 api/1 framework/100")
	name, bearer := strings.CutSuffix(who, "+bearer")
	switch name {
	case "guest":
	case "key":
		req.Header.Set("x-api-key", a.key)
	case "lambda":
		req.Header.Set("authorization", "let-me-in")
	case "lambdaWrong":
		req.Header.Set("authorization", "not-me")
	default:
		tok, ok := a.tokens[name]
		if !ok {
			t.Fatalf("no caller %s", who)
		}
		if bearer {
			tok = "Bearer " + tok
		}
		req.Header.Set("authorization", tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := authzResult{status: resp.StatusCode, errorT: resp.Header.Get("x-amzn-ErrorType")}
	var out struct {
		Data   map[string]any  `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: body %s: %v", who, raw, err)
	}
	r.data = out.Data
	if len(out.Errors) > 0 {
		_ = json.Unmarshal(out.Errors, &r.errs)
	}
	return r
}

// ids returns the ids of a connection's items, sorted.
func ids(v any) []int {
	var out []int
	m, _ := v.(map[string]any)
	items, _ := m["items"].([]any)
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			if n, ok := o["id"].(float64); ok {
				out = append(out, int(n))
			}
		}
	}
	sort.Ints(out)
	return out
}

func (r authzResult) errTypes() string {
	var s []string
	for _, e := range r.errs {
		p := make([]string, len(e.Path))
		for i, x := range e.Path {
			p[i] = fmt.Sprint(x)
		}
		s = append(s, e.ErrorType+"@"+strings.Join(p, "."))
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

func TestAuthorizationMatrix(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		a := startAuthz(t, db)

		// Reads: each case names the caller, the query, the ids (or the
		// value) it must see and the errors it must get, as
		// "errorType@path".
		reads := []struct {
			name, who, query string
			field            string // root field whose ids are compared
			ids              []int
			errs             string
		}{
			// Owner rule: a row predicate, on lists and gets.
			{"owner lists own", "alice", `{ listNotes { items { id secret } } }`, "listNotes", []int{1, 3}, ""},
			{"owner lists own (Bearer)", "alice+bearer", `{ listNotes { items { id } } }`, "listNotes", []int{1, 3}, ""},
			{"other owner", "bob", `{ listNotes { items { id secret } } }`, "listNotes", []int{2}, ""},
			{"owner cannot get another's", "alice", `{ getNote(id: 2) { id } }`, "", nil, ""},
			// Static groups: every row, and the protected field.
			{"admin group", "carol", `{ listNotes { items { id secret } } }`, "listNotes", []int{1, 2, 3}, ""},
			// Public API key: read only; the owner-protected field is null
			// with an error on each row.
			{"api key reads", "key", `{ listNotes { items { id secret } } }`, "listNotes", []int{1, 2, 3},
				"Unauthorized@listNotes.items.0.secret Unauthorized@listNotes.items.1.secret Unauthorized@listNotes.items.2.secret"},
			// OIDC provider: get only.
			{"oidc get", "erin", `{ getNote(id: 2) { id title } }`, "", nil, ""},
			{"oidc list denied", "erin", `{ listNotes { items { id } } }`, "", nil, "Unauthorized@listNotes"},
			{"oidc field denied", "erin", `{ getNote(id: 2) { id secret } }`, "", nil, "Unauthorized@getNote.secret"},
			// Custom authorizer: list only, with its deniedFields.
			{"lambda list", "lambda", `{ listNotes { items { id title } } }`, "listNotes", []int{1, 2, 3},
				"Unauthorized@listNotes.items.0.title Unauthorized@listNotes.items.1.title Unauthorized@listNotes.items.2.title"},
			{"lambda get denied", "lambda", `{ getNote(id: 1) { id } }`, "", nil, "Unauthorized@getNote"},
			// Guests (no credentials): docs list only.
			{"guest lists docs", "guest", `{ listDocs { items { id } } }`, "listDocs", []int{1, 2, 3}, ""},
			{"guest get denied", "guest", `{ getDoc(id: 1) { id } }`, "", nil, "Unauthorized@getDoc"},
			{"guest notes denied", "guest", `{ listNotes { items { id } } }`, "", nil, "Unauthorized@listNotes"},
			// Groups defined in a field.
			{"group field Admin", "carol", `{ listDocs { items { id } } }`, "listDocs", []int{1}, ""},
			{"group field Sales", "dave", `{ listDocs { items { id } } }`, "listDocs", []int{2}, ""},
			{"group field, no group", "alice", `{ listDocs { items { id } } }`, "", nil, "Unauthorized@listDocs"},
			// Filters cannot probe what the caller may not read.
			{"filter on protected field", "alice", `{ listNotes(filter: {secret: {eq: "s-b"}}) { items { id } } }`, "", nil, "Unauthorized"},
			{"api key filter on protected field", "key", `{ listNotes(filter: {secret: {beginsWith: "s"}}) { items { id } } }`, "", nil, "Unauthorized"},
			{"admin filters it", "carol", `{ listNotes(filter: {secret: {eq: "s-b"}}) { items { id } } }`, "listNotes", []int{2}, ""},
			// Nested relationships: the target's rules apply.
			{"nested hasMany keeps own rows", "alice", `{ getAuthor(id: 1) { id notes { items { id } } } }`, "", nil, ""},
			{"nested belongsTo hidden", "key", `{ getNote(id: 1) { id author { name } } }`, "", nil, ""},
			{"private model for key denied", "key", `{ listAuthors { items { id } } }`, "", nil, "Unauthorized@listAuthors"},
			// A field whose rule depends on the row: shown on the caller's
			// rows, null with an error on the others.
			{"field rule per row", "alice", `{ listAuthors { items { id name } } }`, "listAuthors", []int{1, 2}, "Unauthorized@listAuthors.items.1.name"},
			// Custom operations.
			{"custom op allowed", "carol", `{ noteCount }`, "", nil, ""},
			{"custom op denied", "alice", `{ noteCount }`, "", nil, "Unauthorized@noteCount"},
			// Custom SQL returning a model: field rules still hold.
			{"custom op field rules", "bob", `{ notesByTitle(prefix: "a%") { id secret } }`, "", nil,
				"Unauthorized@notesByTitle.0.secret Unauthorized@notesByTitle.1.secret"},
			// Other root fields still run beside a denied one.
			{"denied beside allowed", "alice", `{ noteCount listNotes { items { id } } }`, "listNotes", []int{1, 3}, "Unauthorized@noteCount"},
		}
		if db.Engine == testdb.Postgres {
			reads = append(reads, []struct {
				name, who, query string
				field            string
				ids              []int
				errs             string
			}{
				{"owners list", "alice", `{ listBoards { items { id } } }`, "listBoards", []int{1}, ""},
				{"owners list, other", "bob", `{ listBoards { items { id } } }`, "listBoards", []int{2}, ""},
				{"groups list field", "dave", `{ listBoards { items { id } } }`, "listBoards", []int{1}, ""},
			}...)
		}
		for _, c := range reads {
			t.Run(c.name, func(t *testing.T) {
				r := a.call(t, c.who, c.query)
				if r.status != 200 {
					t.Fatalf("status %d (%s)", r.status, r.errorT)
				}
				if got := r.errTypes(); !strings.HasPrefix(got, c.errs) || (c.errs == "") != (got == "") {
					t.Errorf("errors %q, want %q: %+v", got, c.errs, r.errs)
				}
				if c.field != "" {
					if got := ids(r.data[c.field]); fmt.Sprint(got) != fmt.Sprint(c.ids) {
						t.Errorf("ids %v, want %v", got, c.ids)
					}
				}
			})
		}

		// Values the read cases above only count.
		r := a.call(t, "alice", `{ getNote(id: 2) { id } getAuthor(id: 1) { notes { items { id } } } }`)
		if r.data["getNote"] != nil || fmt.Sprint(ids(r.data["getAuthor"].(map[string]any)["notes"])) != "[1]" {
			t.Errorf("alice sees %v", r.data)
		}
		if r := a.call(t, "key", `{ getNote(id: 1) { id author { name } } }`); r.data["getNote"].(map[string]any)["author"] != nil {
			t.Errorf("an API key reads a private author through a note: %v", r.data)
		}
		if r := a.call(t, "carol", `{ getNote(id: 1) { author { name } } noteCount }`); r.data["getNote"].(map[string]any)["author"] == nil || r.data["noteCount"] != float64(3) {
			t.Errorf("admin: %v %v", r.data, r.errs)
		}
		if r := a.call(t, "key", `{ listNotes { items { id secret } } }`); r.data["listNotes"].(map[string]any)["items"].([]any)[0].(map[string]any)["secret"] != nil {
			t.Errorf("an API key reads the secret: %v", r.data)
		}

		if r := a.call(t, "alice", `{ listAuthors { items { id name } } }`); fmt.Sprint(r.data["listAuthors"].(map[string]any)["items"]) != "[map[id:1 name:Ann] map[id:2 name:<nil>]]" {
			t.Errorf("per-row field rule: %v", r.data)
		}

		// Credentials that must be refused before anything runs, with
		// AppSync's 401.
		for who, msg := range map[string]string{"forged": "token signing key (kid) is not one of the issuer's keys",
			"tampered": "token signature is invalid", "expired": "token has expired",
			"wrongAudience": "token audience / client id is not accepted", "lambdaWrong": ""} {
			r := a.call(t, who, `{ listDocs { items { id } } }`)
			if r.status != 401 || r.errorT != "UnauthorizedException" || len(r.errs) != 1 || !strings.Contains(r.errs[0].Message, msg) {
				t.Errorf("%s: status %d %s %+v, want a message with %q", who, r.status, r.errorT, r.errs, msg)
			}
		}
		a.webhook.Store(false)
		if r := a.call(t, "lambda", `{ listNotes { items { id } } }`); r.status != 401 {
			t.Errorf("webhook down: status %d, want 401 (fail closed)", r.status)
		}
		a.webhook.Store(true)

		// Mutations: what each caller may change, and that a denied
		// mutation changes nothing.
		count := func(where string) int {
			var n int
			if err := a.db.SQL.QueryRow("SELECT COUNT(*) FROM note WHERE " + where).Scan(&n); err != nil {
				t.Fatalf("count %s: %v", where, err)
			}
			return n
		}
		mut := []struct {
			name, who, query string
			errs             string
			check            func(t *testing.T, r authzResult)
		}{
			{"api key cannot create", "key", `mutation { createNote(input: {title: "k"}) { id } }`, "Unauthorized@createNote",
				func(t *testing.T, r authzResult) {
					if n := count("title = 'k'"); n != 0 {
						t.Errorf("%d rows created", n)
					}
				}},
			{"owner filled on create", "alice", `mutation { createNote(input: {title: "new", secret: "s"}) { id owner secret } }`, "",
				func(t *testing.T, r authzResult) {
					got := r.data["createNote"].(map[string]any)
					if got["owner"] != owner("alice") {
						t.Errorf("owner %v", got["owner"])
					}
					// Protected fields are redacted in mutation results,
					// as in the reference.
					if got["secret"] != nil {
						t.Errorf("secret %v in a mutation result", got["secret"])
					}
				}},
			{"owner of another on create", "alice", `mutation { createNote(input: {title: "forge", owner: "bob"}) { id } }`, "Unauthorized@createNote",
				func(t *testing.T, r authzResult) {
					if n := count("title = 'forge'"); n != 0 {
						t.Errorf("%d rows created", n)
					}
				}},
			{"update another's", "alice", `mutation { updateNote(input: {id: 2, title: "mine"}) { id } }`, "ConditionalCheckFailedException@updateNote",
				func(t *testing.T, r authzResult) {
					if n := count("id = 2 AND title = 'b1'"); n != 1 {
						t.Error("bob's note changed")
					}
				}},
			{"hand ownership over", "alice", `mutation { updateNote(input: {id: 1, owner: "bob"}) { id } }`, "Unauthorized@updateNote",
				func(t *testing.T, r authzResult) {
					if n := count(fmt.Sprintf("id = 1 AND owner = '%s'", owner("alice"))); n != 1 {
						t.Error("ownership changed")
					}
				}},
			{"update own", "alice", `mutation { updateNote(input: {id: 1, title: "a1b"}) { id title } }`, "",
				func(t *testing.T, r authzResult) {
					if n := count("id = 1 AND title = 'a1b'"); n != 1 {
						t.Error("not updated")
					}
				}},
			{"admin hands over", "carol", `mutation { updateNote(input: {id: 3, owner: "` + owner("bob") + `"}) { id } }`, "",
				func(t *testing.T, r authzResult) {
					if n := count(fmt.Sprintf("id = 3 AND owner = '%s'", owner("bob"))); n != 1 {
						t.Error("admin could not change the owner")
					}
				}},
			{"delete another's", "alice", `mutation { deleteNote(input: {id: 2}) { id } }`, "ConditionalCheckFailedException@deleteNote",
				func(t *testing.T, r authzResult) {
					if n := count("id = 2"); n != 1 {
						t.Error("bob's note deleted")
					}
				}},
			{"delete own", "bob", `mutation { deleteNote(input: {id: 2}) { id } }`, "",
				func(t *testing.T, r authzResult) {
					if n := count("id = 2"); n != 0 {
						t.Error("not deleted")
					}
				}},
			{"oidc cannot delete", "erin", `mutation { deleteNote(input: {id: 1}) { id } }`, "Unauthorized@deleteNote",
				func(t *testing.T, r authzResult) {
					if n := count("id = 1"); n != 1 {
						t.Error("deleted")
					}
				}},
		}
		if db.Engine == testdb.Postgres {
			mut = append(mut, struct {
				name, who, query string
				errs             string
				check            func(t *testing.T, r authzResult)
			}{"owners list filled", "bob", `mutation { createBoard(input: {title: "z"}) { id editors } }`, "",
				func(t *testing.T, r authzResult) {
					got := fmt.Sprint(r.data["createBoard"].(map[string]any)["editors"])
					if got != "["+owner("bob")+"]" {
						t.Errorf("editors %s", got)
					}
				}})
		}
		if db.Engine == testdb.Postgres {
			mut = append(mut, struct {
				name, who, query string
				errs             string
				check            func(t *testing.T, r authzResult)
			}{"row data cannot forge a field denial", "alice",
				`mutation { createNote(input: {title: "forge-flag", meta: ["{\"q:denied:note:title:id\": 1}"]}) { id } }`, "",
				func(t *testing.T, r authzResult) {
					id := r.data["createNote"].(map[string]any)["id"]
					got := a.call(t, "alice", fmt.Sprintf(`{ getNote(id: %v) { id meta secret } }`, id))
					meta := got.data["getNote"].(map[string]any)["meta"].([]any)
					if s, ok := meta[0].(string); !ok || !strings.Contains(s, "q:denied") || len(got.errs) != 0 {
						t.Errorf("meta %#v errors %+v", meta, got.errs)
					}
				}})
		}
		for _, c := range mut {
			t.Run(c.name, func(t *testing.T) {
				r := a.call(t, c.who, c.query)
				if r.status != 200 {
					t.Fatalf("status %d (%s)", r.status, r.errorT)
				}
				if got := r.errTypes(); got != c.errs {
					t.Errorf("errors %q, want %q: %+v", got, c.errs, r.errs)
				}
				c.check(t, r)
			})
		}
	})
}

// TestAuthorizationRealClient signs in to the sandbox with the real
// aws-amplify client (a token provider handing out a sandbox token, as an
// app signed in to a user pool does) and checks what the rules let it do.
func TestAuthorizationRealClient(t *testing.T) {
	nodePackages(t, "aws-amplify")
	db := testdb.New(t, testdb.Postgres)
	a := startAuthz(t, db)
	raw := runNode(t, nil, "client-auth.mjs", filepath.Join(a.project, "amplify_outputs.json"), a.tokens["alice"], a.tokens["bob"])
	type errs []struct {
		ErrorType string `json:"errorType"`
		Message   string `json:"message"`
		Path      []any  `json:"path"`
	}
	var out struct {
		Create struct {
			Data struct {
				ID     int     `json:"id"`
				Owner  string  `json:"owner"`
				Secret *string `json:"secret"`
			} `json:"data"`
			Errors errs `json:"errors"`
		} `json:"create"`
		List struct {
			Data []struct {
				ID     int    `json:"id"`
				Secret string `json:"secret"`
			} `json:"data"`
			Errors errs `json:"errors"`
		} `json:"list"`
		KeyList struct {
			Data []struct {
				ID     int     `json:"id"`
				Secret *string `json:"secret"`
			} `json:"data"`
			Errors errs `json:"errors"`
		} `json:"keyList"`
		BobUpdate struct {
			Data   any  `json:"data"`
			Errors errs `json:"errors"`
		} `json:"bobUpdate"`
		BobGet struct {
			Data   any  `json:"data"`
			Errors errs `json:"errors"`
		} `json:"bobGet"`
		HandOver struct {
			Data   any  `json:"data"`
			Errors errs `json:"errors"`
		} `json:"handOver"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if out.Create.Data.Owner != owner("alice") || out.Create.Data.Secret != nil || len(out.Create.Errors) != 0 {
		t.Errorf("create: %s", raw)
	}
	var listed []int
	for _, n := range out.List.Data {
		listed = append(listed, n.ID)
	}
	if fmt.Sprint(listed) != fmt.Sprintf("[1 3 %d]", out.Create.Data.ID) || len(out.List.Errors) != 0 {
		t.Errorf("alice lists %v (%v)", listed, out.List.Errors)
	}
	// An API key reads every note; the protected field comes back null
	// with an Unauthorized error per row, which the client passes on.
	if len(out.KeyList.Data) != 4 || len(out.KeyList.Errors) != 4 || out.KeyList.Errors[0].ErrorType != "Unauthorized" {
		t.Errorf("api key list: %s", raw)
	}
	for _, n := range out.KeyList.Data {
		if n.Secret != nil {
			t.Errorf("api key reads secret of note %d", n.ID)
		}
	}
	if out.BobUpdate.Data != nil || len(out.BobUpdate.Errors) != 1 || out.BobUpdate.Errors[0].ErrorType != "ConditionalCheckFailedException" {
		t.Errorf("bob updates alice's note: %s", raw)
	}
	if out.BobGet.Data != nil || len(out.BobGet.Errors) != 0 {
		t.Errorf("bob gets alice's note: %s", raw)
	}
	if out.HandOver.Data != nil || len(out.HandOver.Errors) != 1 || out.HandOver.Errors[0].ErrorType != "Unauthorized" ||
		out.HandOver.Errors[0].Message != "Not Authorized to access updateNote on type Mutation" {
		t.Errorf("hand over: %s", raw)
	}
}
