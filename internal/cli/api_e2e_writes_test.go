package cli

// Mutations, errors and injection in the API end-to-end suite (api_e2e_test.go).

import (
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/testdb"
)

// ---------------------------------------------------------------------
// Mutations

func (a *chinookAPI) testMutations(t *testing.T) {
	sel := "%artist_id% %name%"
	// A create without the generated key returns the key (the reference
	// returns null here, §11 #1).
	created := a.neutral(a.ok(t, a.mutationDoc("create", "artist", sel, false), M{"input": M{"name": "Quarry Test Artist"}})).(map[string]any)
	id, _ := created["artist_id"].(float64)
	if id != 276 || created["name"] != "Quarry Test Artist" {
		t.Fatalf("createArtist = %v, want artist_id 276 (the next key) and the name", created)
	}
	a.record("mutation create artist", created)
	if got := a.neutral(a.ok(t, a.getDoc("artist", sel), M{"artist_id": id})); !equalJSON(got, created) {
		t.Errorf("getArtist after create = %v", got)
	}

	// Update with a condition that holds, then one that fails.
	up := a.mutationDoc("update", "artist", sel, true)
	got := a.neutral(a.ok(t, up, M{"input": M{"artist_id": id, "name": "Renamed"}, "condition": M{"name": M{"beginsWith": "Quarry"}}}))
	if !equalJSON(got, M{"artist_id": id, "name": "Renamed"}) {
		t.Errorf("update with a condition that holds = %v", got)
	}
	a.record("mutation update holds", got)
	e := a.failed(t, a.url, up, M{"input": M{"artist_id": id, "name": "Not this"}, "condition": M{"name": M{"eq": "Quarry Test Artist"}}})
	if e.ErrorType != "ConditionalCheckFailedException" {
		t.Errorf("update with a failing condition: %+v", e)
	}
	if got := a.neutral(a.ok(t, a.getDoc("artist", sel), M{"artist_id": id})); !equalJSON(got, M{"artist_id": id, "name": "Renamed"}) {
		t.Errorf("a failed condition changed the row: %v", got)
	}
	e = a.failed(t, a.url, up, M{"input": M{"artist_id": 999999, "name": "x"}})
	if e.ErrorType != "ConditionalCheckFailedException" {
		t.Errorf("update of a missing row: %+v", e)
	}

	// A datetime, given with an offset, comes back in UTC and is found by
	// the same instant.
	isel := "%invoice_id% %customer_id% %invoice_date% %billing_city% %total%"
	inv := a.neutral(a.ok(t, a.mutationDoc("create", "invoice", isel, false), M{"input": M{
		"customer_id": 1, "invoice_date": "2024-02-29T15:14:15.000+02:00", "billing_city": "Oslo", "total": 12.3}})).(map[string]any)
	invID := inv["invoice_id"]
	want := M{"invoice_id": 413.0, "customer_id": 1.0, "invoice_date": "2024-02-29T13:14:15.000Z", "billing_city": "Oslo", "total": 12.3}
	if !equalJSON(inv, want) {
		t.Errorf("createInvoice = %v, want %v", inv, want)
	}
	a.record("mutation create invoice", inv)
	found := a.listAll(t, "invoice", "%invoice_id%", M{"invoice_date": M{"eq": "2024-02-29T13:14:15.000Z"}}, 100)
	if len(found) != 1 || found[0]["invoice_id"] != invID {
		t.Errorf("the new invoice by its date: %v", found)
	}
	updated := a.neutral(a.ok(t, a.mutationDoc("update", "invoice", isel, true), M{
		"input":     M{"invoice_id": invID, "invoice_date": "2024-03-01T00:00:00.000Z"},
		"condition": M{"invoice_date": M{"lt": "2024-03-01T00:00:00.000Z"}, "total": M{"between": []any{12, 13}}}}))
	if d := updated.(map[string]any)["invoice_date"]; d != "2024-03-01T00:00:00.000Z" {
		t.Errorf("update of a datetime with a datetime condition: %v", updated)
	}

	// Delete returns the row as it was; a second delete finds nothing.
	del := a.mutationDoc("delete", "invoice", isel, false)
	old := a.neutral(a.ok(t, del, M{"input": M{"invoice_id": invID}}))
	if d := old.(map[string]any)["invoice_date"]; d != "2024-03-01T00:00:00.000Z" {
		t.Errorf("deleteInvoice = %v", old)
	}
	a.record("mutation delete invoice", old)
	if e := a.failed(t, a.url, del, M{"input": M{"invoice_id": invID}}); e.ErrorType != "ConditionalCheckFailedException" {
		t.Errorf("delete of a missing row: %+v", e)
	}
	// A delete whose condition fails leaves the row.
	e = a.failed(t, a.url, a.mutationDoc("delete", "artist", sel, true), M{"input": M{"artist_id": id}, "condition": M{"name": M{"eq": "Quarry Test Artist"}}})
	if e.ErrorType != "ConditionalCheckFailedException" || a.count(t, "artist", a.n("artist_id")+" = 276") != 1 {
		t.Errorf("delete with a failing condition: %+v", e)
	}
	// With nested relationships in the result: the old row with its
	// children as they were.
	old = a.neutral(a.ok(t, a.mutationDoc("delete", "artist", sel+" %albums% { items { %title% } }", false), M{"input": M{"artist_id": id}}))
	if !equalJSON(old, M{"artist_id": id, "name": "Renamed", "albums": M{"items": []any{}}}) {
		t.Errorf("deleteArtist = %v", old)
	}
	if r := a.post(t, a.getDoc("artist", sel), M{"artist_id": id}); rootValue(t, r) != nil {
		t.Errorf("the artist survived its delete: %s", r.raw)
	}
}

// testDateKeysAndLists covers the reading table: a composite key whose
// sort field is an AWSDateTime (get, key conditions, every page through
// nextToken) and list columns (PostgreSQL text[], MySQL SET).
func (a *chinookAPI) testDateKeysAndLists(t *testing.T) {
	lists := a.engine != testdb.SQLite
	sel := "%sensor% %taken_at% %note%"
	if lists {
		sel += " %tags%"
	}
	// Inserted out of key order; tags in the SET's own order, which is
	// the order MySQL gives them back in.
	rows := []M{
		{"sensor": "s1", "taken_at": "2024-01-01T00:00:01.500Z", "note": "second", "tags": []any{"a", "b"}},
		{"sensor": "s2", "taken_at": "2024-01-01T00:00:00.000Z", "note": "other", "tags": []any{"b", "c d"}},
		{"sensor": "s1", "taken_at": "2024-01-01T00:00:00.000Z", "note": "first", "tags": []any{"a"}},
		{"sensor": "s1", "taken_at": "2024-01-02T12:00:00.250+02:00", "note": "third", "tags": []any{}},
		{"sensor": "s1", "taken_at": "2023-12-31T23:59:59.999Z", "note": "zeroth", "tags": nil},
	}
	create := a.mutationDoc("create", "reading", sel, false)
	for _, r := range rows {
		in := M{}
		for k, v := range r {
			if k != "tags" || lists {
				in[k] = v
			}
		}
		got := a.neutral(a.ok(t, create, M{"input": in})).(map[string]any)
		delete(got, "tags") // not on every engine
		a.record("reading create "+r["note"].(string), got)
	}
	notes := func(items []map[string]any) []any {
		var out []any
		for _, it := range items {
			out = append(out, it["note"])
		}
		return out
	}

	// The same instant in another offset finds the row.
	got := a.neutral(a.ok(t, a.getDoc("reading", sel), M{"sensor": "s1", "taken_at": "2024-01-01T01:00:01.500+01:00"}))
	want := M{"sensor": "s1", "taken_at": "2024-01-01T00:00:01.500Z", "note": "second"}
	if lists {
		want["tags"] = []any{"a", "b"}
	}
	if !equalJSON(got, want) {
		t.Errorf("getReading = %v, want %v", got, want)
	}

	// Every page of two, in key order.
	all := a.listAll(t, "reading", sel, nil, 2)
	if n := notes(all); !equalJSON(n, []any{"zeroth", "first", "second", "third", "other"}) {
		t.Errorf("every page of listReadings: %v", n)
	}
	if lists && !equalJSON(all[3]["tags"], []any{}) || all[0]["tags"] != nil {
		t.Errorf("an empty list and a null list came back as %v and %v", all[3]["tags"], all[0]["tags"])
	}
	a.record("reading pages", notes(all))

	// A key condition on the date, descending, one row a page.
	var page []map[string]any
	vars := M{"sensor": "s1", "taken_at": M{"between": []any{"2024-01-01T00:00:00.000Z", "2024-01-01T23:59:59.999Z"}}, "sortDirection": "DESC", "limit": 1}
	for {
		p := a.list(t, "reading", sel, vars)
		page = append(page, p.items...)
		if p.nextToken == "" {
			break
		}
		vars["nextToken"] = p.nextToken
	}
	if n := notes(page); !equalJSON(n, []any{"second", "first"}) {
		t.Errorf("s1 on 2024-01-01, descending: %v", n)
	}
	for _, c := range []struct {
		cond M
		want []any
	}{
		{M{"beginsWith": "2024-01-01T"}, []any{"first", "second"}},
		{M{"gt": "2024-01-01T00:00:00.000Z"}, []any{"second", "third"}},
		{M{"le": "2024-01-01T00:00:00.000Z"}, []any{"zeroth", "first"}},
		{M{"eq": "2024-01-02T10:00:00.250Z"}, []any{"third"}},
	} {
		p := a.list(t, "reading", sel, M{"sensor": "s1", "taken_at": c.cond})
		if n := notes(p.items); !equalJSON(n, c.want) {
			t.Errorf("s1 with taken_at %v: %v, want %v", c.cond, n, c.want)
		}
	}

	if lists {
		p := a.list(t, "reading", sel, M{"filter": M{"tags": M{"contains": "b"}}})
		if n := notes(p.items); !equalJSON(n, []any{"second", "other"}) {
			t.Errorf("tags contains b: %v", n)
		}
		p = a.list(t, "reading", sel, M{"filter": M{"tags": M{"notContains": "a"}}})
		if n := notes(p.items); !equalJSON(n, []any{"zeroth", "third", "other"}) {
			t.Errorf("tags notContains a: %v", n)
		}
		up := a.neutral(a.ok(t, a.mutationDoc("update", "reading", sel, false), M{"input": M{"sensor": "s1", "taken_at": "2024-01-01T00:00:00.000Z", "tags": []any{"c d"}}}))
		if tags := up.(map[string]any)["tags"]; !equalJSON(tags, []any{"c d"}) {
			t.Errorf("updated tags: %v", tags)
		}
		a.record("reading lists", p.items)
	}

	del := a.mutationDoc("delete", "reading", "%note%", false)
	for _, r := range all {
		a.ok(t, del, M{"input": M{"sensor": r["sensor"], "taken_at": r["taken_at"]}})
	}
	if n := a.count(t, "reading", ""); n != 0 {
		t.Errorf("%d readings left", n)
	}
}

// testErrors checks that a broken constraint reaches clients as a
// specific message naming the constraint (never the value) whatever the
// mode, with the database's own text only in debug mode.
func (a *chinookAPI) testErrors(t *testing.T) {
	cases := []struct {
		name, model string
		input       M
		errorType   string
		debugHint   string
	}{
		{"unique violation", "genre", M{"genre_id": 1, "name": "Duplicate"}, "ConflictException", "already exists"},
		{"bad foreign key", "album", M{"album_id": 90001, "title": "Orphan", "artist_id": 999999}, "BadRequestException", "does not match a row"},
	}
	for _, c := range cases {
		doc := a.mutationDoc("create", c.model, "%"+chinookKey(c.model)[0]+"%", false)
		e := a.failed(t, a.url, doc, M{"input": c.input})
		// SQLite does not say which foreign key failed.
		named := strings.Contains(e.Message, "(") || a.engine == testdb.SQLite && c.errorType == "BadRequestException"
		if !strings.Contains(e.Message, c.debugHint) || !named || e.ErrorType != c.errorType ||
			strings.Contains(e.Message, "Duplicate") || strings.Contains(e.Message, "Orphan") {
			t.Errorf("%s: %+v, want a specific message naming the constraint, not the value, and %s", c.name, e, c.errorType)
		}
		e = a.failed(t, a.debugURL, doc, M{"input": c.input})
		if e.Message == qerr.GenericMessage || !strings.Contains(e.Message, c.debugHint) || e.ErrorType != c.errorType {
			t.Errorf("%s in debug mode: %+v, want the cause", c.name, e)
		}
	}
}

// ---------------------------------------------------------------------
// Injection

// injectionCorpus is text that would change a statement if it were
// spliced into SQL, or a LIKE or GLOB pattern if it were not escaped.
func injectionCorpus() []string {
	return []string{
		`'`, `''`, `"`, "`", `\`, `\'`, `\\'`, `'; DROP TABLE x; --`, `"; DROP TABLE x; --`,
		"`; DROP TABLE x; --", `1; DROP TABLE x`, `' OR '1'='1`, `') OR ('1'='1`, `' OR 1=1 --`,
		`1' UNION SELECT NULL --`, `*/ OR 1=1 /*`, `/* comment */`, `-- comment`, `# comment`,
		`%`, `_`, `%_%`, `\%`, `\_`, `[`, `[a-z]`, `*`, `?`, `^`, `$1`, `?1`, `:name`, `@x`,
		`Rock%`, `R_ck`, `Rock' --`, "line\nbreak", "tab\there", `ä'ö"ü`, `😀'`, strings.Repeat(`'`, 100),
	}
}

func (a *chinookAPI) testInjection(t *testing.T) {
	// A canary the corpus names: DROP TABLE x must never run.
	a.db.Exec(t, "CREATE TABLE x (id INT PRIMARY KEY)")
	a.db.Exec(t, "INSERT INTO x (id) VALUES (1)")
	albums := a.listAll(t, "album", "%album_id% %title%", nil, 1000)
	before := a.tableCounts(t)

	for i, s := range injectionCorpus() {
		// Filters: each operator matches the text literally.
		for _, op := range []string{"eq", "ne", "contains", "notContains", "beginsWith", "lt"} {
			want := 0
			for _, r := range albums {
				if stringOracle(op, s, strOf(r, "title")) {
					want++
				}
			}
			got := a.listAll(t, "album", "%album_id%", M{"title": M{op: s}}, 1000)
			if len(got) != want {
				t.Errorf("title %s %q: %d rows, want %d", op, s, len(got), want)
			}
		}
		// Inputs: stored and returned exactly. (Chinook's MySQL columns
		// are NVARCHAR, utf8mb3, which holds no character beyond the BMP:
		// MySQL refuses such text, rightly, as bad input.)
		if a.engine == testdb.MySQL && strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
			continue
		}
		name := s
		created := a.neutral(a.ok(t, a.mutationDoc("create", "genre", "%genre_id% %name%", false), M{"input": M{"genre_id": 8000 + i, "name": name}}))
		if !equalJSON(created, M{"genre_id": float64(8000 + i), "name": name}) {
			t.Errorf("created %q, got %v", name, created)
		}
		cond := M{"name": M{"eq": name}}
		a.ok(t, a.mutationDoc("update", "genre", "%genre_id%", true), M{"input": M{"genre_id": 8000 + i, "name": name + "!"}, "condition": cond})
		got := a.neutral(a.ok(t, a.getDoc("genre", "%name%"), M{"genre_id": 8000 + i}))
		if !equalJSON(got, M{"name": name + "!"}) {
			t.Errorf("updated %q, read back %v", name, got)
		}
		a.ok(t, a.mutationDoc("delete", "genre", "%genre_id%", true), M{"input": M{"genre_id": 8000 + i}, "condition": M{"name": M{"beginsWith": name}}})
		// A nextToken made of it is refused.
		e := a.failed(t, a.url, a.listDoc("genre", "%genre_id%"), M{"limit": 2, "nextToken": s})
		if e.ErrorType != "ValidationError" {
			t.Errorf("nextToken %q: %+v", s, e)
		}
	}
	if after := a.tableCounts(t); !equalJSON(before, after) {
		t.Errorf("row counts changed:\nbefore %v\nafter  %v", before, after)
	}
	var n int
	if err := a.db.SQL.QueryRow("SELECT COUNT(*) FROM x").Scan(&n); err != nil || n != 1 {
		t.Errorf("the canary table: %d rows, %v", n, err)
	}
	a.db.Exec(t, "DROP TABLE x")
}
