package cli

// Reads of the API end-to-end suite (api_e2e_test.go): filters, gets, nested relationships and scalar formats.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// ---------------------------------------------------------------------
// Filters

// strOf reads a nullable string column of a neutral row.
func strOf(row map[string]any, k string) *string {
	s, ok := row[k].(string)
	if !ok {
		return nil
	}
	return &s
}

// stringOracle is what AppSync's operators mean on a string attribute,
// computed in Go (byte-wise comparison, case-sensitive matching, size in
// characters); a missing value (NULL) matches only ne and notContains.
func stringOracle(op string, arg any, v *string) bool {
	if op == "attributeExists" {
		return (v != nil) == arg.(bool)
	}
	if v == nil {
		return op == "ne" || op == "notContains"
	}
	s := *v
	switch op {
	case "eq":
		return s == arg.(string)
	case "ne":
		return s != arg.(string)
	case "lt":
		return s < arg.(string)
	case "le":
		return s <= arg.(string)
	case "gt":
		return s > arg.(string)
	case "ge":
		return s >= arg.(string)
	case "between":
		r := arg.([]any)
		return s >= r[0].(string) && s <= r[1].(string)
	case "contains":
		return strings.Contains(s, arg.(string))
	case "notContains":
		return !strings.Contains(s, arg.(string))
	case "beginsWith":
		return strings.HasPrefix(s, arg.(string))
	case "size":
		n := utf8.RuneCountInString(s)
		for sop, sarg := range arg.(M) {
			switch sop {
			case "eq":
				return n == sarg.(int)
			case "gt":
				return n > sarg.(int)
			case "between":
				r := sarg.([]any)
				return n >= r[0].(int) && n <= r[1].(int)
			}
		}
	}
	panic("no oracle for " + op)
}

func (a *chinookAPI) testFilters(t *testing.T) {
	albums := a.listAll(t, "album", "%album_id% %title% %artist_id%", nil, 1000)
	if want := a.count(t, "album", ""); len(albums) != want {
		t.Fatalf("listAlbums gave %d rows, the table has %d", len(albums), want)
	}
	tracks := a.listAll(t, "track", "%track_id% %name% %composer%", nil, 1000)
	if want := a.count(t, "track", ""); len(tracks) != want {
		t.Fatalf("listTracks gave %d rows, the table has %d", len(tracks), want)
	}

	// String operators, checked against the oracle over every row. The
	// floor is a Chinook fact, so that a case cannot pass by matching
	// nothing on every engine.
	strCases := []struct {
		model, field, op string
		arg              any
		want             int // -1: only the oracle
	}{
		{"album", "title", "eq", "Balls to the Wall", 1},
		{"album", "title", "eq", "balls to the wall", 0},   // case-sensitive
		{"album", "title", "eq", "Balls to the Wall ", 0},  // trailing space is data
		{"album", "title", "ne", "Balls to the Wall", 346}, //
		{"album", "title", "lt", "B", 34},
		{"album", "title", "le", "Balls to the Wall", -1},
		{"album", "title", "gt", "b", -1}, // byte order: lower case sorts after upper
		{"album", "title", "ge", "B", 313},
		{"album", "title", "between", []any{"B", "C"}, 35},
		{"album", "title", "beginsWith", "The ", 30},
		{"album", "title", "beginsWith", "the ", 0}, // case-sensitive
		{"album", "title", "beginsWith", "Acústico", 3},
		{"album", "title", "contains", "Rock", 7},
		{"album", "title", "contains", "rock", 0}, // case-sensitive
		{"album", "title", "contains", "[Live]", 6},
		{"album", "title", "notContains", "Rock", 340},
		{"album", "title", "notContains", "rock", 347},
		{"album", "title", "size", M{"eq": 5}, 3},
		{"album", "title", "size", M{"between": []any{3, 4}}, 7},
		{"album", "title", "size", M{"gt": 60}, -1},
		{"album", "title", "attributeExists", true, 347},
		{"track", "name", "contains", "%", 2},
		{"track", "name", "contains", "_", 0},
		{"track", "name", "beginsWith", "100%", 1},
		{"track", "composer", "contains", "AC/DC", -1},
		{"track", "composer", "notContains", "a", -1}, // keeps the NULLs
		{"track", "composer", "ne", "AC/DC", -1},      // keeps the NULLs
		{"track", "composer", "attributeExists", false, 977},
		{"track", "composer", "attributeExists", true, 2526},
	}
	for _, c := range strCases {
		name := fmt.Sprintf("%s.%s %s %v", c.model, c.field, c.op, c.arg)
		rows := albums
		if c.model == "track" {
			rows = tracks
		}
		want := 0
		for _, r := range rows {
			if stringOracle(c.op, c.arg, strOf(r, c.field)) {
				want++
			}
		}
		if c.want >= 0 && want != c.want {
			t.Fatalf("%s: the oracle counts %d rows, Chinook has %d: the unfiltered list is wrong", name, want, c.want)
		}
		got := a.listAll(t, c.model, "%"+chinookKey(c.model)[0]+"%", M{c.field: M{c.op: c.arg}}, 1000)
		if len(got) != want {
			t.Errorf("%s: %d rows, want %d", name, len(got), want)
		}
		a.record("filter "+name, keys(c.model, got))
	}

	// Other types, and and/or/not: counts are Chinook facts.
	cases := []struct {
		name   string
		model  string
		filter M
		want   int
	}{
		{"Int eq", "track", M{"milliseconds": M{"eq": 343719}}, 1},
		{"Int ne", "track", M{"milliseconds": M{"ne": 343719}}, 3502},
		{"Int lt", "track", M{"milliseconds": M{"lt": 100000}}, 58},
		{"Int le", "track", M{"milliseconds": M{"le": 100000}}, 58},
		{"Int gt", "track", M{"milliseconds": M{"gt": 300000}}, 1069},
		{"Int ge", "track", M{"milliseconds": M{"ge": 343719}}, 707},
		{"Int between", "track", M{"milliseconds": M{"between": []any{200000, 210000}}}, 162},
		{"Int two operators", "track", M{"milliseconds": M{"ge": 200000, "le": 210000}}, 162},
		{"Int attributeExists false", "track", M{"bytes": M{"attributeExists": false}}, 0},
		{"Int attributeExists true", "track", M{"bytes": M{"attributeExists": true}}, 3503},
		{"Float attributeExists", "track", M{"unit_price": M{"attributeExists": true}}, 3503},
		{"Float attributeType number", "track", M{"unit_price": M{"attributeType": "number"}}, 3503},
		{"Int attributeType number", "track", M{"milliseconds": M{"attributeType": "number"}}, 3503},
		{"Int attributeType string", "track", M{"milliseconds": M{"attributeType": "string"}}, 0},
		{"String attributeType string", "track", M{"composer": M{"attributeType": "string"}}, 2526},
		{"String attributeType _null", "track", M{"composer": M{"attributeType": "_null"}}, 977},
		{"Float eq", "track", M{"unit_price": M{"eq": 0.99}}, 3290},
		{"Float ne", "track", M{"unit_price": M{"ne": 0.99}}, 213},
		{"Float gt", "track", M{"unit_price": M{"gt": 1}}, 213},
		{"Float ge", "track", M{"unit_price": M{"ge": 1.99}}, 213},
		{"Float lt", "track", M{"unit_price": M{"lt": 1.99}}, 3290},
		{"Float le", "track", M{"unit_price": M{"le": 0.99}}, 3290},
		{"Float between", "track", M{"unit_price": M{"between": []any{1, 2}}}, 213},
		{"Float gt on total", "invoice", M{"total": M{"gt": 20}}, 4},
		{"AWSDateTime eq", "invoice", M{"invoice_date": M{"eq": "2021-01-01T00:00:00.000Z"}}, 1},
		{"AWSDateTime eq with an offset", "invoice", M{"invoice_date": M{"eq": "2021-01-01T02:00:00.000+02:00"}}, 1},
		{"AWSDateTime eq without milliseconds", "invoice", M{"invoice_date": M{"eq": "2021-01-01T00:00:00Z"}}, 1},
		{"AWSDateTime ne", "invoice", M{"invoice_date": M{"ne": "2021-01-01T00:00:00.000Z"}}, 411},
		{"AWSDateTime lt", "invoice", M{"invoice_date": M{"lt": "2009-01-01T00:00:00.000Z"}}, 0},
		{"AWSDateTime le", "invoice", M{"invoice_date": M{"le": "2021-01-01T00:00:00.000Z"}}, 1},
		{"AWSDateTime gt", "invoice", M{"invoice_date": M{"gt": "2009-01-01T00:00:00.000Z"}}, 412},
		{"AWSDateTime ge", "invoice", M{"invoice_date": M{"ge": "2025-01-01T00:00:00.000Z"}}, 80},
		{"AWSDateTime between", "invoice", M{"invoice_date": M{"between": []any{"2022-01-01T00:00:00.000Z", "2022-06-30T00:00:00.000Z"}}}, 42},
		{"AWSDateTime attributeExists", "invoice", M{"invoice_date": M{"attributeExists": true}}, 412},
		// AWSDateTime filters are ModelStringInput: text matching applies to
		// the AWSDateTime string, as AppSync stores it.
		{"AWSDateTime beginsWith", "invoice", M{"invoice_date": M{"beginsWith": "2021-01-0"}}, 4},
		{"AWSDateTime beginsWith T", "invoice", M{"invoice_date": M{"beginsWith": "2021-02-01T00:00:00.000Z"}}, 2},
		{"AWSDateTime contains", "invoice", M{"invoice_date": M{"contains": "T00:00:00.000Z"}}, 412},
		{"AWSDateTime notContains", "invoice", M{"invoice_date": M{"notContains": "-02-"}}, 379},
		{"Int on a foreign key", "album", M{"artist_id": M{"eq": 90}}, 21},
		{"empty filter", "album", M{}, 347},
		{"or/and/not", "album", M{"or": []any{
			M{"title": M{"beginsWith": "A"}},
			M{"and": []any{M{"artist_id": M{"eq": 1}}, M{"not": M{"title": M{"contains": "Rock"}}}}},
		}}, 32},
		{"not or", "album", M{"not": M{"or": []any{
			M{"title": M{"beginsWith": "A"}},
			M{"and": []any{M{"artist_id": M{"eq": 1}}, M{"not": M{"title": M{"contains": "Rock"}}}}},
		}}}, 315},
		{"fields and and", "album", M{"artist_id": M{"eq": 90}, "and": []any{M{"title": M{"beginsWith": "B"}}}}, -1},
		{"customer company missing", "customer", M{"company": M{"attributeExists": false}}, 49},
	}
	for _, c := range cases {
		got := a.listAll(t, c.model, "%"+chinookKey(c.model)[0]+"%", c.filter, 1000)
		if c.want >= 0 && len(got) != c.want {
			t.Errorf("%s: %d rows, want %d", c.name, len(got), c.want)
		}
		a.record("filter "+c.name, keys(c.model, got))
	}
}

// ---------------------------------------------------------------------
// Gets

func (a *chinookAPI) testGet(t *testing.T) {
	got := a.neutral(a.ok(t, a.getDoc("album", "%album_id% %title% %artist_id%"), M{"album_id": 1}))
	want := M{"album_id": 1.0, "title": "For Those About To Rock We Salute You", "artist_id": 1.0}
	if !equalJSON(got, want) {
		t.Errorf("getAlbum(1) = %v, want %v", got, want)
	}
	a.record("get album 1", got)

	got = a.neutral(a.ok(t, a.getDoc("playlist_track", "%playlist_id% %track_id%"), M{"playlist_id": 1, "track_id": 3402}))
	if !equalJSON(got, M{"playlist_id": 1.0, "track_id": 3402.0}) {
		t.Errorf("getPlaylistTrack(1, 3402) = %v", got)
	}
	a.record("get playlist_track 1/3402", got)

	for name, c := range map[string]struct {
		model string
		vars  M
	}{
		"missing album":          {"album", M{"album_id": 999999}},
		"missing playlist_track": {"playlist_track", M{"playlist_id": 1, "track_id": 999999}},
	} {
		r := a.post(t, a.getDoc(c.model, "%"+chinookKey(c.model)[0]+"%"), c.vars)
		if len(r.Errors) > 0 || rootValue(t, r) != nil {
			t.Errorf("%s: want {data: {get: null}} without errors, got %s", name, r.raw)
		}
	}
}

// ---------------------------------------------------------------------
// Nested relationships

func (a *chinookAPI) testNested(t *testing.T) {
	q := a.doc("query ($%album_id%: Int!, $filter: Model%U:track%FilterInput, $limit: Int) { %get:album%(%album_id%: $%album_id%) { %album_id% %title% %artist% { %name% } %tracks%(filter: $filter, limit: $limit) { items { %track_id% %name% %genre% { %genre_id% %name% } } } } }")
	got := a.neutral(a.ok(t, q, M{"album_id": 1, "filter": M{"milliseconds": M{"gt": 205000}}, "limit": 3}))
	want := M{"album_id": 1.0, "title": "For Those About To Rock We Salute You", "artist": M{"name": "AC/DC"},
		"tracks": M{"items": []any{
			M{"track_id": 1.0, "name": "For Those About To Rock (We Salute You)", "genre": M{"genre_id": 1.0, "name": "Rock"}},
			M{"track_id": 6.0, "name": "Put The Finger On You", "genre": M{"genre_id": 1.0, "name": "Rock"}},
			M{"track_id": 7.0, "name": "Let's Get It Up", "genre": M{"genre_id": 1.0, "name": "Rock"}},
		}}}
	if !equalJSON(got, want) {
		t.Errorf("album → tracks → genre:\n got %s\nwant %s", canonical(got), canonical(want))
	}
	a.record("nested album tracks genre", got)

	q = a.doc("query ($%playlist_id%: Int!) { %get:playlist%(%playlist_id%: $%playlist_id%) { %name% %playlist_tracks%(limit: 3) { items { %track_id% %track% { %name% %album% { %title% %artist% { %name% } } } } } } }")
	got = a.neutral(a.ok(t, q, M{"playlist_id": 1}))
	want = M{"name": "Music", "playlist_tracks": M{"items": []any{
		M{"track_id": 1.0, "track": M{"name": "For Those About To Rock (We Salute You)", "album": M{"title": "For Those About To Rock We Salute You", "artist": M{"name": "AC/DC"}}}},
		M{"track_id": 2.0, "track": M{"name": "Balls to the Wall", "album": M{"title": "Balls to the Wall", "artist": M{"name": "Accept"}}}},
		M{"track_id": 3.0, "track": M{"name": "Fast As a Shark", "album": M{"title": "Restless and Wild", "artist": M{"name": "Accept"}}}},
	}}}
	if !equalJSON(got, want) {
		t.Errorf("playlist → playlist_tracks → track → album → artist:\n got %s\nwant %s", canonical(got), canonical(want))
	}
	a.record("nested playlist chain", got)

	// The client's selectionSet ['album_id', 'title', 'tracks.*'] (§4.1):
	// nested connections have items only.
	p := a.list(t, "album", "%album_id% %title% %tracks% { items { %track_id% %name% %album_id% %media_type_id% %genre_id% %composer% %milliseconds% %bytes% %unit_price% } }", M{"limit": 5})
	if len(p.items) != 5 || p.nextToken == "" {
		t.Fatalf("listAlbums(limit: 5): %d items, nextToken %q", len(p.items), p.nextToken)
	}
	if n := len(p.items[0]["tracks"].(map[string]any)["items"].([]any)); n != 10 {
		t.Errorf("album 1 has %d tracks, want 10", n)
	}
	a.record("nested tracks.* selection", p.items)
}

// testNestedPages pages a get's nested hasMany with nextToken: every child
// once, in order, in one statement per page; tokens bound to their parent
// and query; and a nested nextToken under a list refused.
func (a *chinookAPI) testNestedPages(t *testing.T) {
	q := a.doc("query ($%album_id%: Int!, $limit: Int, $nextToken: String, $sortDirection: ModelSortDirection, $filter: Model%U:track%FilterInput) { %get:album%(%album_id%: $%album_id%) { %album_id% %tracks%(limit: $limit, nextToken: $nextToken, sortDirection: $sortDirection, filter: $filter) { items { %track_id% } nextToken } } }")
	type nestedPage struct {
		ids  []int
		next string
	}
	get := func(vars M) nestedPage {
		t.Helper()
		var v any
		a.statements(t, "a nested page", 1, func() { v = a.ok(t, q, vars) })
		conn := v.(map[string]any)[a.n("tracks")].(map[string]any)
		var p nestedPage
		for _, it := range conn["items"].([]any) {
			n, _ := strconv.Atoi(fmt.Sprint(it.(map[string]any)[a.n("track_id")]))
			p.ids = append(p.ids, n)
		}
		p.next, _ = conn["nextToken"].(string)
		return p
	}
	all := func(album, limit int, dir string) [][]int {
		t.Helper()
		var pages [][]int
		vars := M{"album_id": album, "limit": limit, "sortDirection": dir}
		for range 100 {
			p := get(vars)
			pages = append(pages, p.ids)
			if p.next == "" {
				return pages
			}
			if len(p.ids) != limit {
				t.Fatalf("album %d, limit %d: a page of %d items has a nextToken", album, limit, len(p.ids))
			}
			vars["nextToken"] = p.next
		}
		t.Fatal("more than 100 nested pages")
		return nil
	}
	for _, c := range []struct {
		album, limit int
		dir          string
	}{{1, 3, "ASC"}, {1, 3, "DESC"}, {1, 5, "ASC"}, {141, 7, "ASC"}} {
		pages := all(c.album, c.limit, c.dir)
		var ids []int
		seen := map[int]bool{}
		for _, p := range pages {
			for _, id := range p {
				if seen[id] {
					t.Errorf("album %d %s: track %d came twice", c.album, c.dir, id)
				}
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if want := a.count(t, "track", a.n("album_id")+" = "+strconv.Itoa(c.album)); len(ids) != want || want == 0 {
			t.Errorf("album %d %s limit %d: %d tracks over %d pages, want %d", c.album, c.dir, c.limit, len(ids), len(pages), want)
		}
		sorted := sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if c.dir == "DESC" {
			sorted = sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] > ids[j] })
		}
		if !sorted {
			t.Errorf("album %d %s: tracks out of order: %v", c.album, c.dir, ids)
		}
		a.record(fmt.Sprintf("nested pages album %d %s limit %d", c.album, c.dir, c.limit), pages)
	}

	// A token is bound to its album, its filter and its order.
	first := get(M{"album_id": 1, "limit": 3})
	if first.next == "" {
		t.Fatal("album 1, limit 3: no nextToken")
	}
	body, sig, _ := strings.Cut(first.next, ".")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		t.Fatalf("token %q: %v", first.next, err)
	}
	forged := strings.Replace(string(raw), "[7]", "[12]", 1) // album 1's third track is 7
	if forged == string(raw) {
		t.Fatalf("token body %s holds no [7]", raw)
	}
	rootTok := a.list(t, "track", "%track_id%", M{"limit": 3}).nextToken
	for name, vars := range map[string]M{
		"other album":   {"album_id": 2, "limit": 3, "nextToken": first.next},
		"other order":   {"album_id": 1, "limit": 3, "nextToken": first.next, "sortDirection": "DESC"},
		"other filter":  {"album_id": 1, "limit": 3, "nextToken": first.next, "filter": M{"milliseconds": M{"gt": 1000}}},
		"edited body":   {"album_id": 1, "limit": 3, "nextToken": base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + sig},
		"a root token":  {"album_id": 1, "limit": 3, "nextToken": rootTok},
		"not a token":   {"album_id": 1, "limit": 3, "nextToken": "abc"},
		"signature cut": {"album_id": 1, "limit": 3, "nextToken": first.next[:len(first.next)-2]},
	} {
		e := a.failed(t, a.url, q, vars)
		if e.ErrorType != "ValidationError" || !strings.Contains(e.Message, "nextToken") {
			t.Errorf("%s: %+v", name, e)
		}
	}

	// A token minted under a list pages the same album from its get.
	lq := a.doc("query ($limit: Int, $nextToken: String) { %list:album%(limit: 1) { items { %album_id% %tracks%(limit: $limit, nextToken: $nextToken) { items { %track_id% } nextToken } } } }")
	v := a.ok(t, lq, M{"limit": 3})
	album := v.(map[string]any)["items"].([]any)[0].(map[string]any)
	tok, _ := album[a.n("tracks")].(map[string]any)["nextToken"].(string)
	if tok == "" {
		t.Fatalf("listAlbums → tracks(limit: 3): no nextToken: %v", album)
	}
	if p := get(M{"album_id": 1, "limit": 3, "nextToken": tok}); fmt.Sprint(p.ids) != "[8 9 10]" {
		t.Errorf("album 1's second page from a list's token: %v, want [8 9 10]", p.ids)
	}

	// Under a list the parent is not known when the request is planned.
	e := a.failed(t, a.url, lq, M{"limit": 3, "nextToken": tok})
	if e.ErrorType != "ValidationError" || !strings.Contains(e.Message, "accepted only on the object of a get") {
		t.Errorf("nested nextToken under a list: %+v", e)
	}
}

// ---------------------------------------------------------------------
// Scalar formats

func (a *chinookAPI) testScalars(t *testing.T) {
	// The text of each value, not just its number: the client passes values
	// through untouched (§5.1).
	text := func(v any) string {
		if n, ok := v.(json.Number); ok {
			return "number " + n.String()
		}
		return fmt.Sprintf("%T %v", v, v)
	}
	raw := func(model, selection string, id int) map[string]any {
		v := a.ok(t, a.getDoc(model, selection), M{chinookKey(model)[0]: id})
		out := map[string]any{}
		for k, val := range v.(map[string]any) {
			out[a.logical(k)] = text(val)
		}
		return out
	}
	checks := []struct {
		model, selection string
		id               int
		want             map[string]any
	}{
		{"invoice", "%invoice_date% %total%", 1, map[string]any{"invoice_date": "string 2021-01-01T00:00:00.000Z", "total": "number 1.98"}},
		{"track", "%unit_price% %milliseconds% %bytes%", 1, map[string]any{"unit_price": "number 0.99", "milliseconds": "number 343719", "bytes": "number 11170334"}},
		{"track", "%unit_price%", 3451, map[string]any{"unit_price": "number 0.99"}},
		{"employee", "%birth_date% %hire_date% %reports_to%", 1, map[string]any{"birth_date": "string 1962-02-18T00:00:00.000Z", "hire_date": "string 2002-08-14T00:00:00.000Z", "reports_to": "<nil> <nil>"}},
	}
	for _, c := range checks {
		got := raw(c.model, c.selection, c.id)
		if !equalJSON(got, c.want) {
			t.Errorf("%s %d: %v, want %v", c.model, c.id, got, c.want)
		}
		a.record(fmt.Sprintf("scalars %s %d", c.model, c.id), got)
	}
	// Every invoice date in AWSDateTime's form, on every engine.
	dates := a.listAll(t, "invoice", "%invoice_id% %invoice_date% %total%", nil, 1000)
	re := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	for _, d := range dates {
		if s, _ := d["invoice_date"].(string); !re.MatchString(s) {
			t.Fatalf("invoice %v: invoice_date %q is not AWSDateTime text", d["invoice_id"], s)
		}
	}
	a.record("scalars every invoice", dates)
}
