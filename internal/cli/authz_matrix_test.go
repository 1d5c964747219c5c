package cli

// The systematic half of the authorization tests: every rule kind with
// every provider it takes, each on a model of its own (m_<rule>), on a
// field of an otherwise open model (f_<rule>), under a relationship
// (box.n_<rule>) and on a custom query (q_<rule>), called by every kind of
// identity with every operation. The expected outcome of each (rule,
// identity) pair is written out in authzOutcomes; the checks per outcome
// are the same for every rule.

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/testdb"
)

// authzMatrixRules are the rules under test, by the suffix of their
// tables.
var authzMatrixRules = []struct{ name, rule string }{
	{"pubkey", `{allow: public, provider: apiKey}`},
	{"guest", `{allow: public, provider: identityPool}`},
	{"priv", `{allow: private}`},
	{"privoidc", `{allow: private, provider: oidc}`},
	{"owner", `{allow: owner}`},
	{"owneroidc", `{allow: owner, provider: oidc}`},
	{"admins", `{allow: groups, groups: ["Admin"]}`},
	{"adminsoidc", `{allow: groups, groups: ["Admin"], provider: oidc}`},
	{"grpfield", `{allow: groups, groupsField: "grp"}`},
	{"custom", `{allow: custom}`},
}

// authzCallers are the identities: an API key, a guest, alice and carol
// (in Admin) through the user pool and through the OIDC provider, and the
// custom authorizer.
var authzCallers = []string{"key", "guest", "alice", "carol", "aliceOIDC", "carolOIDC", "lambda"}

// authzOutcomes says what each caller may do under each rule: "all"
// (every row), "own:<ids>" (only the rows the rule's field gives it, of
// rows 1 and 2), or nothing (absent).
var authzOutcomes = map[string]map[string]string{
	"pubkey":     {"key": "all"},
	"guest":      {"guest": "all"},
	"priv":       {"alice": "all", "carol": "all"},
	"privoidc":   {"aliceOIDC": "all", "carolOIDC": "all"},
	"owner":      {"alice": "own:1", "carol": "own:"},
	"owneroidc":  {"aliceOIDC": "own:1", "carolOIDC": "own:"},
	"admins":     {"carol": "all"},
	"adminsoidc": {"carolOIDC": "all"},
	"grpfield":   {"carol": "own:1"},
	"custom":     {"lambda": "all"},
}

func authzMatrixSchema(engine string) (ddl, resource string) {
	col := map[string]string{
		testdb.Postgres: "id serial PRIMARY KEY, owner text, grp text, title text NOT NULL, secret text, box_id int REFERENCES box(id)",
		testdb.MySQL:    "id INT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(200), grp VARCHAR(50), title VARCHAR(100) NOT NULL, secret VARCHAR(100), box_id INT, FOREIGN KEY (box_id) REFERENCES box(id)",
		testdb.SQLite:   "id INTEGER PRIMARY KEY, owner TEXT, grp TEXT, title TEXT NOT NULL, secret TEXT, box_id INTEGER REFERENCES box(id)",
	}[engine]
	var d, r strings.Builder
	d.WriteString(map[string]string{
		testdb.Postgres: "CREATE TABLE box (id serial PRIMARY KEY, label text);\n",
		testdb.MySQL:    "CREATE TABLE box (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(20));\n",
		testdb.SQLite:   "CREATE TABLE box (id INTEGER PRIMARY KEY, label TEXT);\n",
	}[engine])
	d.WriteString("INSERT INTO box (id, label) VALUES (1, 'b');\n")
	r.WriteString(`extend schema @authorizationModes(apiKeyAuthorizationMode: {}, identityPoolAuthorizationMode: {},
  lambdaAuthorizationMode: {url: "%s", timeToLiveInSeconds: 0})
`)
	open := `{allow: public}, {allow: public, provider: identityPool}, {allow: private}, {allow: private, provider: oidc}, {allow: custom}`
	r.WriteString("extend type box @auth(rules: [" + open + "]) {\n")
	for _, ru := range authzMatrixRules {
		fmt.Fprintf(&r, "  n_%s: [m_%s] @hasMany(references: [\"box_id\"])\n", ru.name, ru.name)
	}
	r.WriteString("}\ntype Query {\n")
	for _, ru := range authzMatrixRules {
		if !strings.Contains(ru.rule, "owner") && !strings.Contains(ru.rule, "groupsField") {
			fmt.Fprintf(&r, "  q_%s: Int @sql(statement: \"SELECT 7 AS n\") @auth(rules: [%s])\n", ru.name, ru.rule)
		}
	}
	r.WriteString("}\n")
	for _, ru := range authzMatrixRules {
		for _, prefix := range []string{"m_", "f_"} {
			fmt.Fprintf(&d, "CREATE TABLE %s%s (%s);\n", prefix, ru.name, col)
			fmt.Fprintf(&d, "INSERT INTO %s%s (owner, grp, title, secret, box_id) VALUES ('%s', 'Admin', 't1', 's1', 1), ('%s', 'Sales', 't2', 's2', 1);\n",
				prefix, ru.name, owner("alice"), owner("bob"))
		}
		fmt.Fprintf(&r, "extend type m_%s @auth(rules: [%s])\n", ru.name, ru.rule)
		fmt.Fprintf(&r, "extend type f_%s @auth(rules: [%s]) {\n  secret: String @auth(rules: [%s])\n}\n", ru.name, open, ru.rule)
	}
	return d.String(), r.String()
}

func TestAuthorizationRuleMatrix(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		ddl, resource := authzMatrixSchema(db.Engine)
		db.Exec(t, ddl)
		a := startAuthzWith(t, db, resource, map[string][]string{
			"alice":     {"--user", "alice"},
			"carol":     {"--user", "carol", "--groups", "Admin"},
			"aliceOIDC": {"--user", "alice", "--provider", "oidc"},
			"carolOIDC": {"--user", "carol", "--groups", "Admin", "--provider", "oidc"},
		})
		for _, ru := range authzMatrixRules {
			m := "M_" + ru.name
			f := "F_" + ru.name
			static := !strings.Contains(ru.rule, "owner") && !strings.Contains(ru.rule, "groupsField")
			for _, who := range authzCallers {
				outcome := authzOutcomes[ru.name][who]
				t.Run(ru.name+"/"+who, func(t *testing.T) {
					want, visible := parseOutcome(outcome)
					check := func(what string, r authzResult, wantErr string) {
						t.Helper()
						if r.status != 200 {
							t.Errorf("%s: status %d %s", what, r.status, r.errorT)
						}
						if got := r.errTypes(); got != wantErr {
							t.Errorf("%s: errors %q, want %q (%+v)", what, got, wantErr, r.errs)
						}
					}
					list := "list" + schema.Plural(m)
					get := "get" + m

					// Model: list and get.
					r := a.call(t, who, fmt.Sprintf(`{ %s { items { id } } }`, list))
					switch want {
					case "none":
						check("list", r, "Unauthorized@"+list)
					default:
						check("list", r, "")
						if got := ids(r.data[list]); fmt.Sprint(got) != fmt.Sprint(visible) {
							t.Errorf("list: ids %v, want %v", got, visible)
						}
					}
					r = a.call(t, who, fmt.Sprintf(`{ %s(id: 2) { id } }`, get))
					switch want {
					case "none":
						check("get", r, "Unauthorized@"+get)
					case "all":
						check("get", r, "")
						if r.data[get] == nil {
							t.Error("get: row 2 not returned")
						}
					default:
						check("get", r, "")
						if r.data[get] != nil {
							t.Error("get: another's row returned")
						}
					}

					// Filter on a readable field: the same rows as the list.
					r = a.call(t, who, fmt.Sprintf(`{ %s(filter: {title: {beginsWith: "t"}}) { items { id } } }`, list))
					if want != "none" && fmt.Sprint(ids(r.data[list])) != fmt.Sprint(visible) {
						t.Errorf("filtered list: ids %v, want %v", ids(r.data[list]), visible)
					}

					// Nested under a box every caller may read: rows the
					// caller may not read are absent, without an error.
					r = a.call(t, who, fmt.Sprintf(`{ getBox(id: 1) { n_%s { items { id } } } }`, ru.name))
					check("nested", r, "")
					if box, ok := r.data["getBox"].(map[string]any); !ok {
						t.Errorf("nested: no box: %v", r.data)
					} else if got := ids(box["n_"+ru.name]); fmt.Sprint(got) != fmt.Sprint(orEmpty(visible)) {
						t.Errorf("nested: ids %v, want %v", got, orEmpty(visible))
					}

					// Field level: every caller reads f_<rule>'s rows; the
					// secret shows only where the rule allows.
					flist := "list" + schema.Plural(f)
					r = a.call(t, who, fmt.Sprintf(`{ %s { items { id secret } } }`, flist))
					var wantErrs []string
					items, _ := r.data[flist].(map[string]any)["items"].([]any)
					for i, it := range items {
						o := it.(map[string]any)
						shown := want == "all" || slices.Contains(idStrings(visible), fmt.Sprint(o["id"]))
						if shown != (o["secret"] != nil) {
							t.Errorf("field: row %v secret %v, shown should be %v", o["id"], o["secret"], shown)
						}
						if !shown {
							wantErrs = append(wantErrs, fmt.Sprintf("Unauthorized@%s.items.%d.secret", flist, i))
						}
					}
					sort.Strings(wantErrs)
					check("field", r, strings.Join(wantErrs, " "))
					if len(items) != 2 {
						t.Errorf("field: %d rows, want 2", len(items))
					}
					// Filtering on the protected field: only for callers
					// that read it on every row.
					r = a.call(t, who, fmt.Sprintf(`{ %s(filter: {secret: {eq: "s1"}}) { items { id } } }`, flist))
					if want == "all" {
						check("field filter", r, "")
					} else if len(r.errs) != 1 || r.errs[0].ErrorType != "Unauthorized" {
						t.Errorf("field filter: %+v", r.errs)
					}

					// Custom query.
					if static {
						q := "q_" + ru.name
						r = a.call(t, who, fmt.Sprintf(`{ %s }`, q))
						if want == "all" {
							check("custom", r, "")
							if r.data[q] != float64(7) {
								t.Errorf("custom: %v", r.data)
							}
						} else {
							check("custom", r, "Unauthorized@"+q)
						}
					}

					// Mutations: create, update and delete, own and another's.
					create, update, del := "create"+m, "update"+m, "delete"+m
					r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {title: "new", grp: "Admin", secret: "x"}) { id } }`, create))
					if want == "none" {
						check("create", r, "Unauthorized@"+create)
						r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {id: 2, title: "t2"}) { id } }`, update))
						check("update", r, "Unauthorized@"+update)
						r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {id: 2}) { id } }`, del))
						check("delete", r, "Unauthorized@"+del)
						return
					}
					check("create", r, "")
					created, _ := r.data[create].(map[string]any)
					if created == nil {
						t.Fatalf("create: %v", r.data)
					}
					id := created["id"]
					r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {id: 2, title: "t2"}) { id } }`, update))
					if want == "all" {
						check("update another's", r, "")
					} else {
						check("update another's", r, "ConditionalCheckFailedException@"+update)
					}
					r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {id: %v, title: "newer"}) { id title } }`, update, id))
					check("update own", r, "")
					if want != "all" {
						r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {id: 2}) { id } }`, del))
						check("delete another's", r, "ConditionalCheckFailedException@"+del)
					}
					r = a.call(t, who, fmt.Sprintf(`mutation { %s(input: {id: %v}) { id } }`, del, id))
					check("delete own", r, "")
				})
			}
		}
	})
}

// parseOutcome reads an authzOutcomes entry: "all", "none" or "own", with
// the ids the caller sees.
func parseOutcome(s string) (string, []int) {
	switch {
	case s == "all":
		return "all", []int{1, 2}
	case strings.HasPrefix(s, "own:"):
		var v []int
		for _, p := range strings.Split(strings.TrimPrefix(s, "own:"), ",") {
			var n int
			if _, err := fmt.Sscan(p, &n); err == nil {
				v = append(v, n)
			}
		}
		return "own", v
	}
	return "none", nil
}

func orEmpty(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

func idStrings(v []int) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = fmt.Sprint(n)
	}
	return out
}
