package cli

// Statements per request and pagination in the API end-to-end suite (api_e2e_test.go).

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// ---------------------------------------------------------------------
// Statements per request (no N+1)

// mutationSteps is how many statements one create, update or delete is,
// as each dialect documents it: PostgreSQL and SQLite write and return the
// row in one; MySQL and MariaDB write, then read. (SQLite's delete is two
// when the result has nested relationships; the checks here select
// columns only.)
func (a *chinookAPI) mutationSteps() int {
	if a.engine == testdb.MySQL {
		return 2
	}
	return 1
}

// statements fails unless fn (one request) sent want statements.
func (a *chinookAPI) statements(t *testing.T, what string, want int, fn func()) {
	t.Helper()
	if got := a.stmts.during(fn); len(got) != want {
		t.Errorf("%s: %d statements, want %d:\n%s", what, len(got), want, strings.Join(got, "\n---\n"))
	}
}

func (a *chinookAPI) testStatementsPerRequest(t *testing.T) {
	// Many parents, each with belongsTo and hasMany children, which have
	// their own.
	q := a.doc("query ($limit: Int) { %list:album%(limit: $limit) { items { %album_id% %artist% { %name% %albums% { items { %title% } } } %tracks% { items { %name% %genre% { %name% } %media_type% { %name% } %playlist_tracks% { items { %playlist% { %name% } } } } } } nextToken } }")
	var v any
	a.statements(t, "one list with nested relationships", 1, func() { v = a.neutral(a.ok(t, q, M{"limit": 100})) })
	items := v.(map[string]any)["items"].([]any)
	nested := 0
	for _, it := range items {
		nested += len(it.(map[string]any)["tracks"].(map[string]any)["items"].([]any))
	}
	if len(items) != 100 || nested < 500 {
		t.Fatalf("%d albums with %d tracks: the query should cover many parents", len(items), nested)
	}
	a.record("statements nested list", v)

	q = a.doc("query ($%album_id%: Int!) { one: %get:album%(%album_id%: $%album_id%) { %title% %tracks% { items { %name% } } } two: %list:artist%(limit: 3) { items { %name% %albums% { items { %title% } } } } }")
	a.statements(t, "two root fields", 2, func() {
		if r := a.post(t, q, M{"album_id": 1}); len(r.Errors) > 0 || len(r.Data) != 2 {
			t.Fatalf("two root fields: %s", r.raw)
		}
	})

	sel := "%genre_id% %name%"
	a.statements(t, "create", a.mutationSteps(), func() {
		v = a.neutral(a.ok(t, a.mutationDoc("create", "genre", sel, false), M{"input": M{"genre_id": 9001, "name": "Statements"}}))
	})
	a.record("statements create", v)
	a.statements(t, "update", a.mutationSteps(), func() {
		a.ok(t, a.mutationDoc("update", "genre", sel, true), M{"input": M{"genre_id": 9001, "name": "Statements 2"}, "condition": M{"name": M{"eq": "Statements"}}})
	})
	a.statements(t, "delete", a.mutationSteps(), func() {
		a.ok(t, a.mutationDoc("delete", "genre", sel, false), M{"input": M{"genre_id": 9001}})
	})
}

// ---------------------------------------------------------------------
// Pagination

func (a *chinookAPI) testPagination(t *testing.T) {
	start := a.count(t, "track", "")
	existing := map[string]bool{}
	for _, r := range a.listAll(t, "track", "%track_id%", nil, 1000) {
		existing[keyOf("track", r)] = true
	}
	if len(existing) != start {
		t.Fatalf("%d distinct tracks listed, the table has %d", len(existing), start)
	}

	// Rows are created through the API from another goroutine while the
	// pages are read, both after the last key and before the first.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var inserted []int
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		create := a.mutationDoc("create", "track", "%track_id%", false)
		for i := 1; ; i++ {
			id := 200000 + i
			if i%2 == 0 {
				id = -i
			}
			r, err := a.send(a.url, create, M{"input": M{"track_id": id, "name": fmt.Sprintf("paging probe %d", i), "media_type_id": 1, "milliseconds": 1, "unit_price": 0.99}})
			if err == nil && len(r.Errors) > 0 {
				err = fmt.Errorf("%s", r.raw)
			}
			if err != nil {
				writeErr = err
				return
			}
			inserted = append(inserted, id)
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	seen := map[string]int{}
	var order []int
	vars := M{"limit": 250}
	pages := 0
	for {
		p := a.list(t, "track", "%track_id% %name%", vars)
		pages++
		for _, it := range p.items {
			k := keyOf("track", it)
			seen[k]++
			n, _ := strconv.Atoi(k)
			order = append(order, n)
		}
		if p.nextToken == "" {
			break
		}
		vars["nextToken"] = p.nextToken
		time.Sleep(5 * time.Millisecond) // give the writer room between pages
	}
	close(stop)
	wg.Wait()
	// Remove the probes, so the rest of the suite sees Chinook.
	if _, err := a.db.SQL.Exec("DELETE FROM " + a.n("track") + " WHERE " + a.n("track_id") + " > 100000 OR " + a.n("track_id") + " < 1"); err != nil {
		t.Fatalf("remove probes: %v", err)
	}
	if writeErr != nil {
		t.Fatalf("concurrent create: %v", writeErr)
	}
	if len(inserted) < 2 {
		t.Fatalf("only %d rows were created while paging: the test proved nothing", len(inserted))
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("track %s came %d times", k, n)
		}
	}
	for k := range existing {
		if seen[k] != 1 {
			t.Errorf("track %s, present from the start, was skipped", k)
		}
	}
	if !sort.IntsAreSorted(order) {
		t.Error("pages are not in key order")
	}
	if pages < start/250 {
		t.Errorf("%d pages for %d rows of 250", pages, start)
	}
	t.Logf("%d pages; %d rows created meanwhile", pages, len(inserted))

	// A composite key, through every page.
	all := a.listAll(t, "playlist_track", "%playlist_id% %track_id%", nil, 1000)
	if want := a.count(t, "playlist_track", ""); len(all) != want {
		t.Errorf("listPlaylistTracks: %d rows over all pages, the table has %d", len(all), want)
	}
	dup := map[string]bool{}
	for _, r := range all {
		if k := keyOf("playlist_track", r); dup[k] {
			t.Errorf("playlist_track %s repeated", k)
		} else {
			dup[k] = true
		}
	}
	// ... and within one partition, both directions.
	for _, dir := range []string{"ASC", "DESC"} {
		var got []string
		vars := M{"playlist_id": 1, "sortDirection": dir, "limit": 700}
		for {
			p := a.list(t, "playlist_track", "%playlist_id% %track_id%", vars)
			got = append(got, keys("playlist_track", p.items)...)
			if p.nextToken == "" {
				break
			}
			vars["nextToken"] = p.nextToken
		}
		if want := a.count(t, "playlist_track", a.n("playlist_id")+" = 1"); len(got) != want {
			t.Errorf("playlist 1 %s: %d rows, want %d", dir, len(got), want)
		}
		a.record("pagination playlist 1 "+dir, got)
	}

	// Without limit a page has 100 rows; 1000 is the largest page, and a
	// larger limit is refused with the limit's name, not cut silently.
	p := a.list(t, "track", "%track_id%", M{})
	if len(p.items) != 100 || p.nextToken == "" {
		t.Errorf("no limit: %d rows, nextToken %q; want 100 and a token", len(p.items), p.nextToken)
	}
	a.record("pagination default limit", p.items)
	p = a.list(t, "track", "%track_id%", M{"limit": 1000})
	if len(p.items) != 1000 || p.nextToken == "" {
		t.Errorf("limit 1000: %d rows, nextToken %q; want 1000 and a token", len(p.items), p.nextToken)
	}
	if e := a.failed(t, a.url, a.listDoc("track", "%track_id%"), M{"limit": 5000}); e.ErrorType != "ValidationError" || !strings.Contains(e.Message, "--max-list-limit") {
		t.Errorf("limit 5000: %+v, want a ValidationError naming --max-list-limit", e)
	}

	// A token edited by hand, or replayed with another query, is refused.
	p = a.list(t, "track", "%track_id%", M{"limit": 10, "filter": M{"milliseconds": M{"gt": 1000}}})
	tok := p.nextToken
	body, sig, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		t.Fatalf("token %q: %v", tok, err)
	}
	forged := strings.Replace(string(raw), "[10]", "[99]", 1) // the last key: track 10
	if forged == string(raw) {
		t.Fatalf("token body %s holds no [10]", raw)
	}
	for name, vars := range map[string]M{
		"edited body":   {"limit": 10, "filter": M{"milliseconds": M{"gt": 1000}}, "nextToken": base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + sig},
		"other filter":  {"limit": 10, "filter": M{"milliseconds": M{"gt": 2000}}, "nextToken": tok},
		"no filter":     {"limit": 10, "nextToken": tok},
		"not a token":   {"limit": 10, "nextToken": "abc"},
		"dot only":      {"limit": 10, "nextToken": "."},
		"signature cut": {"limit": 10, "filter": M{"milliseconds": M{"gt": 1000}}, "nextToken": tok[:len(tok)-2]},
	} {
		e := a.failed(t, a.url, a.listDoc("track", "%track_id%"), vars)
		if e.ErrorType != "ValidationError" || !strings.Contains(e.Message, "nextToken") {
			t.Errorf("%s: %+v", name, e)
		}
	}
	// The token itself works with the limit changed: the page size is not
	// part of the query.
	if p := a.list(t, "track", "%track_id%", M{"limit": 3, "filter": M{"milliseconds": M{"gt": 1000}}, "nextToken": tok}); len(p.items) != 3 {
		t.Errorf("the next page: %d rows", len(p.items))
	} else {
		a.record("pagination second page", p.items)
	}
}
