package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
	"github.com/quarrydata/quarry/internal/testdb"
)

// fresh returns a new SQLite database after script, and its IR.
func fresh(t *testing.T, script string, chinook bool) (*testdb.DB, *schema.Schema) {
	t.Helper()
	db := testdb.New(t, testdb.SQLite)
	if chinook {
		db.LoadChinook(t, false)
	}
	if script != "" {
		db.Exec(t, script)
	}
	cat, err := introspect.Read(context.Background(), db.SQL, introspect.EngineSQLite, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		t.Fatal(err)
	}
	return db, s
}

func chinook(t *testing.T) (*testdb.DB, *schema.Schema) {
	t.Helper()
	return fresh(t, "", true)
}

// modelOf finds the model of a table, whatever name the IR gave it.
func modelOf(t *testing.T, s *schema.Schema, table string) *schema.Model {
	t.Helper()
	for _, m := range s.Models {
		if m.Table.Name == table {
			return m
		}
	}
	t.Fatalf("no model for table %s", table)
	return nil
}

func fields(m *schema.Model, names ...string) []plan.Output { return sqltest.Fields(m, names...) }

func col(m *schema.Model, field string) string { return m.Field(field).Column }

func rel(s *schema.Schema, from *schema.Model, name string, sel *plan.Select) plan.Output {
	return sqltest.Rel(s, from, name, name, sel)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// query runs st and returns each row's columns joined by " | ".
func query(t *testing.T, q querier, st sqlgen.Statement) []string {
	t.Helper()
	return sqltest.Query(t, q, st)
}

// run executes a mutation's steps in one transaction, as the executor
// does, and returns the Returns step's rows; a MustAffect step that changes
// nothing rolls back and returns nil.
func run(t *testing.T, db *testdb.DB, m sqlgen.Mutation) []string {
	t.Helper()
	ctx := context.Background()
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, st := range m.Steps {
		if st.Returns {
			out = query(t, tx, st.Statement)
			continue
		}
		res, err := tx.ExecContext(ctx, st.SQL, st.Args...)
		if err != nil {
			_ = tx.Rollback()
			t.Fatalf("%v\n%s", err, st.SQL)
		}
		if n, _ := res.RowsAffected(); st.MustAffect && n == 0 {
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			return nil
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return out
}

// stepsSQL is the golden text of a mutation: its statements, one a line.
func stepsSQL(m sqlgen.Mutation) string {
	var b strings.Builder
	for _, st := range m.Steps {
		b.WriteString(st.SQL + "\n")
	}
	return b.String()
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return b.String()
}

func ints(t *testing.T, db *testdb.DB, q string, args ...any) []int64 {
	t.Helper()
	rows, err := db.SQL.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// postgresGetAlbum is what the PostgreSQL compiler's test expects for the
// same query (postgres_test.go), before its names are mapped to SQLite
// Chinook's.
const postgresGetAlbum = `{"album_id" : 1, "title" : "For Those About To Rock We Salute You", "artist" : {"name" : "AC/DC"}, "tracks" : {"items" : [{"track_id" : 1, "name" : "For Those About To Rock (We Salute You)", "unit_price" : 0.99}, {"track_id" : 6, "name" : "Put The Finger On You", "unit_price" : 0.99}], "nextToken" : null}, "__typename" : "album"}`

func TestCompileAndRun(t *testing.T) {
	db, s := chinook(t)
	album, track, artist := s.Model("Album"), s.Model("Track"), s.Model("Artist")
	c := Compiler{}

	cases := []struct {
		name  string
		stmt  func() (sqlgen.Statement, error)
		check func(t *testing.T, st sqlgen.Statement, rows []string)
	}{
		{
			name: "get_album_with_artist_and_tracks",
			stmt: func() (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 2, Fields: fields(track, "TrackId", "Name", "UnitPrice")}
				out := append(fields(album, "AlbumId", "Title"),
					rel(s, album, "Artist", &plan.Select{Fields: fields(artist, "Name")}),
					rel(s, album, "Tracks", tracks),
					plan.Output{Key: "__typename", Typename: "Album"})
				return c.Select(&plan.Select{Model: album, Single: true, Fields: out,
					Where: pred.Cmp{Column: col(album, "AlbumId"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, _ sqlgen.Statement, rows []string) {
				names := strings.NewReplacer(`"album_id"`, `"AlbumId"`, `"title"`, `"Title"`, `"artist"`, `"Artist"`,
					`"name"`, `"Name"`, `"tracks"`, `"Tracks"`, `"track_id"`, `"TrackId"`, `"unit_price"`, `"UnitPrice"`,
					`"album"`, `"Album"`)
				// Compacted text compares keys, their order and the
				// numbers' spelling (0.99) at once.
				want := compact(t, names.Replace(postgresGetAlbum))
				if len(rows) != 1 || rows[0] != want {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			name: "list_tracks_filtered_page",
			stmt: func() (sqlgen.Statement, error) {
				where := pred.And{
					pred.Cmp{Column: col(track, "Name"), Op: pred.BeginsWith, Value: "B"},
					pred.Or{
						pred.Cmp{Column: col(track, "Milliseconds"), Op: pred.Gt, Value: 300000},
						pred.Not{X: pred.Cmp{Column: col(track, "Composer"), Op: pred.Exists, Value: true}},
					},
					pred.Cmp{Column: col(track, "UnitPrice"), Op: pred.Between, Values: []any{0.5, 1.0}},
				}
				return c.Select(&plan.Select{Model: track, Limit: 3, After: []any{100}, Where: where,
					Fields: fields(track, "TrackId", "Name")})
			},
			check: func(t *testing.T, _ sqlgen.Statement, rows []string) {
				want := ints(t, db, `SELECT TrackId FROM Track WHERE substr(Name, 1, 1) = 'B'
					AND (Milliseconds > 300000 OR Composer IS NULL) AND UnitPrice BETWEEN 0.5 AND 1.0
					AND TrackId > 100 ORDER BY TrackId LIMIT 4`)
				if len(rows) != 4 || len(want) != 4 {
					t.Fatalf("rows = %q, want limit+1 = 4 rows: %v", rows, want)
				}
				for i, r := range rows {
					var o struct {
						ID   int64  `json:"TrackId"`
						Name string `json:"Name"`
					}
					obj, key, _ := strings.Cut(r, " | ")
					if err := json.Unmarshal([]byte(obj), &o); err != nil {
						t.Fatal(err)
					}
					if o.ID != want[i] || !strings.HasPrefix(o.Name, "B") || key != fmt.Sprintf("[%d]", o.ID) {
						t.Errorf("row %d = %q, want track %d with its key", i, r, want[i])
					}
				}
			},
		},
		{
			name: "list_playlist_tracks_desc_page",
			stmt: func() (sqlgen.Statement, error) {
				pt := s.Model("PlaylistTrack")
				return c.Select(&plan.Select{Model: pt, Limit: 4, Desc: true, After: []any{8, 3000},
					Fields: fields(pt, "PlaylistId", "TrackId")})
			},
			check: func(t *testing.T, _ sqlgen.Statement, rows []string) {
				var got []string
				for _, r := range rows {
					_, key, _ := strings.Cut(r, " | ")
					got = append(got, key)
				}
				want := query(t, db.SQL, sqlgen.Statement{SQL: `SELECT json_array(PlaylistId, TrackId) FROM PlaylistTrack
					WHERE (PlaylistId, TrackId) < (8, 3000) ORDER BY PlaylistId DESC, TrackId DESC LIMIT 5`})
				if !slices.Equal(got, want) || len(got) != 5 {
					t.Errorf("keys = %q, want %q", got, want)
				}
			},
		},
		{
			// A nested page after track 6 of album 1 (1, 6, 7, 8, ...):
			// items 7 and 8, and a marker holding the parent's key and 8.
			name: "get_album_tracks_next_page",
			stmt: func() (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 2, After: []any{6}, Fields: fields(track, "TrackId"),
					Page: &plan.Page{Marker: "m", ID: 0, Parent: []*schema.Field{album.Field("AlbumId")}}}
				return c.Select(&plan.Select{Model: album, Single: true, Fields: []plan.Output{rel(s, album, "Tracks", tracks)},
					Where: pred.Cmp{Column: col(album, "AlbumId"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, _ sqlgen.Statement, rows []string) {
				want := `{"Tracks":{"items":[{"TrackId":7},{"TrackId":8}],"nextToken":["m",0,[1],[8]]}}`
				if len(rows) != 1 || rows[0] != want {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			name: "injection_is_data",
			stmt: func() (sqlgen.Statement, error) {
				where := pred.Or{
					pred.Cmp{Column: col(artist, "Name"), Op: pred.Eq, Value: "x'; DROP TABLE Artist; --"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.Contains, Value: "%"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.BeginsWith, Value: "_"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.Contains, Value: "*"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.BeginsWith, Value: "?"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.NotContains, Value: "["},
				}
				return c.Select(&plan.Select{Model: artist, Limit: 10, Where: pred.Not{X: where}, Fields: fields(artist, "ArtistId")})
			},
			check: func(t *testing.T, _ sqlgen.Statement, rows []string) {
				// No name has a '[', so notContains holds for all, and the
				// negation keeps none: wildcards or quotes read as syntax
				// would change that.
				if len(rows) != 0 {
					t.Errorf("wildcards or quotes matched as syntax: %q", rows)
				}
			},
		},
		{
			// Without nextToken a list fetches its page only, with no keys.
			name: "list_tracks_no_next",
			stmt: func() (sqlgen.Statement, error) {
				return c.Select(&plan.Select{Model: track, Limit: 2, Desc: true, After: []any{3000}, NoNext: true,
					Fields: fields(track, "TrackId")})
			},
			check: func(t *testing.T, _ sqlgen.Statement, rows []string) {
				want := []string{`{"TrackId":2999} | null`, `{"TrackId":2998} | null`}
				if !slices.Equal(rows, want) {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			st, err := tt.stmt()
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", tt.name+".sql"), st.SQL+"\n")
			tt.check(t, st, query(t, db.SQL, st))
		})
	}
	if n := ints(t, db, "SELECT count(*) FROM Artist"); len(n) != 1 || n[0] != 275 {
		t.Errorf("artist rows = %v", n)
	}
}

// TestMatchingIsLiteralAndCaseSensitive checks eq, beginsWith, contains and
// notContains against the same test done in Go, over Chinook's artists plus
// names made of quotes, comments and the wildcards of LIKE and GLOB.
func TestMatchingIsLiteralAndCaseSensitive(t *testing.T) {
	db, s := chinook(t)
	artist, track := s.Model("Artist"), s.Model("Track")
	corpus := []string{
		`'`, `''`, `"`, `x'; DROP TABLE "Artist"; --`, `'); DELETE FROM Artist; --`, `/*`, `*/`, `--`,
		`%`, `_`, `a%b`, `a_b`, `*`, `?`, `[`, `]`, `[a-z]`, `[!a]`, `[^a]`, `a*b`, `a?b`,
		`\`, `\\`, `\%`, `%\`, `\_`, `'||'`, `ÄÖü`, `rock`, `ROCK`, `Rock`, ``,
	}
	for _, name := range corpus {
		if name != "" {
			db.Exec(t, "INSERT INTO Artist (Name) VALUES ('"+strings.ReplaceAll(name, "'", "''")+"')")
		}
	}
	names := map[int64]string{}
	for _, r := range query(t, db.SQL, sqlgen.Statement{SQL: "SELECT ArtistId, Name FROM Artist WHERE Name IS NOT NULL"}) {
		id, name, _ := strings.Cut(r, " | ")
		n, _ := strconv.ParseInt(id, 10, 64)
		names[n] = name
	}
	oracle := map[pred.Op]func(name, v string) bool{
		pred.Eq:          func(name, v string) bool { return name == v },
		pred.BeginsWith:  strings.HasPrefix,
		pred.Contains:    strings.Contains,
		pred.NotContains: func(name, v string) bool { return !strings.Contains(name, v) },
	}
	c := Compiler{}
	for _, v := range append(corpus, "AC/", "Iron") {
		for op, match := range oracle {
			st, err := c.Select(&plan.Select{Model: artist, Fields: fields(artist, "ArtistId"),
				Where: pred.Cmp{Column: col(artist, "Name"), Op: op, Value: v}})
			if err != nil {
				t.Fatal(err)
			}
			var got, want []int64
			for _, r := range query(t, db.SQL, st) {
				_, key, _ := strings.Cut(r, " | ")
				n, _ := strconv.ParseInt(strings.Trim(key, "[]"), 10, 64)
				got = append(got, n)
			}
			for id, name := range names {
				if match(name, v) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s %q: got ids %v, want %v", op, v, got, want)
			}
		}
	}

	// AppSync's contains is case-sensitive: "rock" is not in "Rock".
	st, err := c.Select(&plan.Select{Model: track, Fields: fields(track, "Name"),
		Where: pred.Cmp{Column: col(track, "Name"), Op: pred.Contains, Value: "rock"}})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/contains_is_case_sensitive.sql", st.SQL+"\n")
	rows := query(t, db.SQL, st)
	for _, r := range rows {
		if !strings.Contains(r, "rock") {
			t.Errorf("contains rock matched %q", r)
		}
	}
	if n := ints(t, db, "SELECT count(*) FROM Track WHERE Name LIKE '%rock%' AND instr(Name, 'rock') = 0"); n[0] == 0 {
		t.Fatal("the test needs names with Rock but not rock")
	}

	if _, err := c.Select(&plan.Select{Model: artist, Fields: fields(artist, "ArtistId"),
		Where: pred.Cmp{Column: col(artist, "Name"), Op: pred.Contains, Value: "a\x00b"}}); err == nil ||
		!strings.Contains(err.Error(), "NUL") {
		t.Errorf("contains with a NUL: err = %v, want an error", err)
	}
}

// TestHasManyOrder checks that items come in key order, also descending,
// over many rows and a composite key.
func TestHasManyOrder(t *testing.T) {
	db, s := chinook(t)
	genre, track, playlist, pt := s.Model("Genre"), s.Model("Track"), s.Model("Playlist"), s.Model("PlaylistTrack")
	c := Compiler{}

	type items struct {
		Items []map[string]int64 `json:"items"`
	}
	cases := []struct {
		name  string
		sel   *plan.Select
		want  string // keys as JSON arrays, one per line
		check string
	}{
		{
			name: "genre_tracks_desc",
			sel: &plan.Select{Model: genre, Single: true, Where: pred.Cmp{Column: "GenreId", Op: pred.Eq, Value: 1},
				Fields: []plan.Output{rel(s, genre, "Tracks", &plan.Select{Desc: true, Limit: 5000, Fields: fields(track, "TrackId")})}},
			check: "SELECT json_array(TrackId) FROM Track WHERE GenreId = 1 ORDER BY TrackId DESC",
		},
		{
			name: "playlist_tracks_desc_limited",
			sel: &plan.Select{Model: playlist, Single: true, Where: pred.Cmp{Column: "PlaylistId", Op: pred.Eq, Value: 1},
				Fields: []plan.Output{rel(s, playlist, "PlaylistTracks", &plan.Select{Desc: true, Limit: 1000,
					Fields: fields(pt, "PlaylistId", "TrackId")})}},
			check: "SELECT json_array(PlaylistId, TrackId) FROM PlaylistTrack WHERE PlaylistId = 1 ORDER BY TrackId DESC LIMIT 1000",
		},
		{
			name: "playlist_tracks_asc",
			sel: &plan.Select{Model: playlist, Single: true, Where: pred.Cmp{Column: "PlaylistId", Op: pred.Eq, Value: 1},
				Fields: []plan.Output{rel(s, playlist, "PlaylistTracks", &plan.Select{Limit: 5000,
					Fields: fields(pt, "PlaylistId", "TrackId")})}},
			check: "SELECT json_array(PlaylistId, TrackId) FROM PlaylistTrack WHERE PlaylistId = 1 ORDER BY TrackId",
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			st, err := c.Select(tt.sel)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", tt.name+".sql"), st.SQL+"\n")
			rows := query(t, db.SQL, st)
			if len(rows) != 1 {
				t.Fatalf("rows = %q", rows)
			}
			var obj map[string]items
			if err := json.Unmarshal([]byte(rows[0]), &obj); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, conn := range obj {
				for _, it := range conn.Items {
					if p, ok := it["PlaylistId"]; ok {
						got = append(got, fmt.Sprintf("[%d,%d]", p, it["TrackId"]))
					} else {
						got = append(got, fmt.Sprintf("[%d]", it["TrackId"]))
					}
				}
			}
			want := query(t, db.SQL, sqlgen.Statement{SQL: tt.check})
			if len(want) < 1000 {
				t.Fatalf("the check needs many rows, has %d", len(want))
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d items out of order or missing; first %q, want first %q", len(got), got[:min(5, len(got))], want[:5])
			}
		})
	}
}

// TestFormatting checks the JSON of every scalar kind against what the
// PostgreSQL compiler writes for the same values.
func TestFormatting(t *testing.T) {
	db, s := fresh(t, `CREATE TABLE kinds (
		id INTEGER PRIMARY KEY,
		at_text DATETIME, at_iso DATETIME, at_unix DATETIME,
		day DATE, clock TIME,
		doc JSON, doc_num JSON, doc_b JSON,
		flag BOOLEAN,
		big INTEGER, small BIGINT,
		price NUMERIC(10,2), ratio REAL,
		bytes BLOB, anything, label TEXT, code UUID
	);
	INSERT INTO kinds VALUES (1,
		'2009-01-01 00:00:00', '2009-01-01T12:34:56.789+02:00', 1230768000,
		'2009-01-02', '13:14:15.5',
		'{"a": [1, 2.50], "b": "x\"y"}', '42', jsonb('{"k": true}'),
		1,
		9007199254740993, -42,
		0.99, 1.5,
		x'00ff10', 12, 'it''s "quoted"', '0b8f3a4e-5c1d-4e2a-9f00-3c1e2d4b5a69');
	INSERT INTO kinds VALUES (2,
		'2009-01-01T23:59:59Z', '2009-06-30T12:00:00.5', 2454832.5,
		'2009-01-02 10:11:12', '00:00:00',
		'[]', '1.5', NULL,
		0,
		-9007199254740993, 9007199254740991,
		10, -0.25,
		x'', 'text', '', x'0b8f');
	INSERT INTO kinds (id) VALUES (3);`, false)
	m := modelOf(t, s, "kinds")
	var out []plan.Output
	for _, f := range m.Fields {
		out = append(out, plan.Output{Key: f.Column, Field: f})
	}
	st, err := Compiler{}.Select(&plan.Select{Model: m, Fields: out})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/formatting.sql", st.SQL+"\n")
	rows := query(t, db.SQL, st)
	want := []string{
		`{"id":1,"at_text":"2009-01-01T00:00:00.000Z","at_iso":"2009-01-01T10:34:56.789Z","at_unix":"2009-01-01T00:00:00.000Z",` +
			`"day":"2009-01-02","clock":"13:14:15.500",` +
			`"doc":"{\"a\": [1, 2.50], \"b\": \"x\\\"y\"}","doc_num":"42","doc_b":"{\"k\":true}",` +
			`"flag":true,"big":"9007199254740993","small":-42,"price":0.99,"ratio":1.5,` +
			`"bytes":"\\x00ff10","anything":"12","label":"it's \"quoted\"","code":"0b8f3a4e-5c1d-4e2a-9f00-3c1e2d4b5a69"} | [1]`,
		`{"id":2,"at_text":"2009-01-01T23:59:59.000Z","at_iso":"2009-06-30T12:00:00.500Z","at_unix":"2009-01-01T00:00:00.000Z",` +
			`"day":"2009-01-02","clock":"00:00:00.000",` +
			`"doc":"[]","doc_num":"1.5","doc_b":null,` +
			`"flag":false,"big":"-9007199254740993","small":9007199254740991,"price":10,"ratio":-0.25,` +
			`"bytes":"\\x","anything":"text","label":"","code":"\\x0b8f"} | [2]`,
		`{"id":3,"at_text":null,"at_iso":null,"at_unix":null,"day":null,"clock":null,"doc":null,"doc_num":null,"doc_b":null,` +
			`"flag":null,"big":null,"small":null,"price":null,"ratio":null,"bytes":null,"anything":null,"label":null,"code":null} | [3]`,
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d:\n got  %s\n want %s", i+1, rows[i], want[i])
		}
	}
}

// TestWideObject checks that objects with more keys than one function call
// takes keep every key, in order.
func TestWideObject(t *testing.T) {
	db, s := chinook(t)
	artist := s.Model("Artist")
	var out []plan.Output
	var want strings.Builder
	want.WriteString("{")
	for i := range 2*chunk + 7 {
		f := artist.Field("ArtistId")
		v := "1"
		if i%2 == 1 {
			f, v = artist.Field("Name"), `"AC/DC"`
		}
		if i > 0 {
			want.WriteString(",")
		}
		fmt.Fprintf(&want, `"k%d":%s`, i, v)
		out = append(out, plan.Output{Key: "k" + strconv.Itoa(i), Field: f})
	}
	want.WriteString("}")
	st, err := Compiler{}.Select(&plan.Select{Model: artist, Single: true, Fields: out,
		Where: pred.Cmp{Column: "ArtistId", Op: pred.Eq, Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got := query(t, db.SQL, st); len(got) != 1 || got[0] != want.String() {
		t.Errorf("got %q\nwant %q", got, want.String())
	}
}

func TestMutations(t *testing.T) {
	db, s := chinook(t)
	artist, album, track := s.Model("Artist"), s.Model("Album"), s.Model("Track")
	c := Compiler{}
	ret := &plan.Select{Model: artist, Fields: fields(artist, "ArtistId", "Name")}

	m, err := c.Insert(&plan.Insert{Model: artist, Columns: []string{"Name"}, Values: []any{"Quarry Quartet"}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/insert.sql", stepsSQL(m))
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != `{"ArtistId":276,"Name":"Quarry Quartet"}` {
		t.Fatalf("insert returned %q, want the generated id 276", rows)
	}

	// An album with its artist and (no) tracks, nested in RETURNING.
	albumRet := &plan.Select{Model: album, Fields: append(fields(album, "AlbumId", "Title"),
		rel(s, album, "Artist", &plan.Select{Fields: fields(artist, "ArtistId", "Name")}),
		rel(s, album, "Tracks", &plan.Select{Limit: 10, Fields: fields(track, "TrackId")}))}
	m, err = c.Insert(&plan.Insert{Model: album, Columns: []string{"Title", "ArtistId"}, Values: []any{"First", 276}, Return: albumRet})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/insert_nested.sql", stepsSQL(m))
	want := `{"AlbumId":348,"Title":"First","Artist":{"ArtistId":276,"Name":"Quarry Quartet"},"Tracks":{"items":[],"nextToken":null}}`
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != want {
		t.Fatalf("insert returned %q\nwant %q", rows, want)
	}

	key := pred.Cmp{Column: "ArtistId", Op: pred.Eq, Value: 276}
	m, err = c.Update(&plan.Update{Model: artist, Key: key, Columns: []string{"Name"}, Values: []any{"Renamed"},
		Where: pred.Cmp{Column: "Name", Op: pred.Eq, Value: "not the current name"}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/update.sql", stepsSQL(m))
	if rows := run(t, db, m); len(rows) != 0 {
		t.Fatalf("update with a false condition returned %q", rows)
	}
	if got := query(t, db.SQL, sqlgen.Statement{SQL: "SELECT Name FROM Artist WHERE ArtistId = 276"}); !slices.Equal(got, []string{"Quarry Quartet"}) {
		t.Fatalf("update with a false condition changed the row: %q", got)
	}

	// The artist's albums, nested in RETURNING, are read after the update.
	artistRet := &plan.Select{Model: artist, Fields: append(fields(artist, "ArtistId", "Name"),
		rel(s, artist, "Albums", &plan.Select{Limit: 10, Fields: fields(album, "Title")}))}
	m, _ = c.Update(&plan.Update{Model: artist, Key: key, Columns: []string{"Name"}, Values: []any{"Renamed"},
		Where: pred.Cmp{Column: "Name", Op: pred.BeginsWith, Value: "Quarry"}, Return: artistRet})
	want = `{"ArtistId":276,"Name":"Renamed","Albums":{"items":[{"Title":"First"}],"nextToken":null}}`
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != want {
		t.Fatalf("update returned %q\nwant %q", rows, want)
	}

	m, err = c.Update(&plan.Update{Model: artist, Key: key, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/update_nothing.sql", stepsSQL(m))
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != `{"ArtistId":276,"Name":"Renamed"}` {
		t.Fatalf("update without columns returned %q", rows)
	}

	m, err = c.Delete(&plan.Delete{Model: album, Key: pred.Cmp{Column: "AlbumId", Op: pred.Eq, Value: 348}, Return: albumRet})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/delete_nested.sql", stepsSQL(m))
	want = `{"AlbumId":348,"Title":"First","Artist":{"ArtistId":276,"Name":"Renamed"},"Tracks":{"items":[],"nextToken":null}}`
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != want {
		t.Fatalf("delete returned %q\nwant %q", rows, want)
	}

	m, err = c.Delete(&plan.Delete{Model: artist, Key: key, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/delete.sql", stepsSQL(m))
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != `{"ArtistId":276,"Name":"Renamed"}` {
		t.Fatalf("delete returned %q", rows)
	}
	if rows := run(t, db, m); len(rows) != 0 {
		t.Fatalf("second delete returned %q", rows)
	}
	if n := ints(t, db, "SELECT count(*) FROM Artist WHERE ArtistId = 276"); n[0] != 0 {
		t.Fatal("the artist is still there")
	}
}

// TestDeleteShowsCascadedChildren checks why a delete with relationships
// reads first: after the delete, ON DELETE CASCADE has removed the children.
func TestDeleteShowsCascadedChildren(t *testing.T) {
	db, s := fresh(t, `
		CREATE TABLE shelf (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
		CREATE TABLE book (id INTEGER PRIMARY KEY, shelf_id INTEGER NOT NULL REFERENCES shelf (id) ON DELETE CASCADE, title TEXT);
		INSERT INTO shelf VALUES (1, 'poetry'), (2, 'prose');
		INSERT INTO book VALUES (1, 1, 'Odes'), (2, 2, 'Novel'), (3, 1, 'Sonnets');`, false)
	shelf, book := modelOf(t, s, "shelf"), modelOf(t, s, "book")
	ret := &plan.Select{Model: shelf, Fields: []plan.Output{
		{Key: "name", Field: shelf.Field("name")},
		{Key: "books", Nested: &plan.Select{Model: book, Limit: 10, Desc: true, Fields: []plan.Output{{Key: "title", Field: book.Field("title")}}},
			Join: []plan.JoinPair{{Outer: "id", Inner: "shelf_id"}}, Connection: []plan.ConnKey{{Key: "items", What: "items"}}},
	}}
	m, err := Compiler{}.Delete(&plan.Delete{Model: shelf, Key: pred.Cmp{Column: "id", Op: pred.Eq, Value: 1}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != 2 || !m.Steps[0].Returns || !m.Steps[1].MustAffect {
		t.Fatalf("steps = %+v, want a read and a delete", m.Steps)
	}
	want := `{"name":"poetry","books":{"items":[{"title":"Sonnets"},{"title":"Odes"}]}}`
	if rows := run(t, db, m); len(rows) != 1 || rows[0] != want {
		t.Fatalf("delete returned %q\nwant %q", rows, want)
	}
	if n := ints(t, db, "SELECT count(*) FROM book WHERE shelf_id = 1"); n[0] != 0 {
		t.Fatal("the cascade did not run")
	}
	// A condition that fails deletes nothing and returns nothing.
	m, _ = Compiler{}.Delete(&plan.Delete{Model: shelf, Key: pred.Cmp{Column: "id", Op: pred.Eq, Value: 2},
		Where: pred.Cmp{Column: "name", Op: pred.Eq, Value: "Prose"}, Return: ret})
	if rows := run(t, db, m); len(rows) != 0 {
		t.Fatalf("delete with a false condition returned %q", rows)
	}
	if n := ints(t, db, "SELECT count(*) FROM book WHERE shelf_id = 2"); n[0] != 1 {
		t.Fatal("delete with a false condition removed rows")
	}
}

// TestTableNamedLikeAnAlias checks a mutation on a table whose name a
// generated alias could shadow inside RETURNING's subqueries.
func TestTableNamedLikeAnAlias(t *testing.T) {
	db, s := fresh(t, `
		CREATE TABLE "T2" (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES "T2" (id), label TEXT);
		INSERT INTO "T2" VALUES (1, NULL, 'root'), (2, NULL, 'leaf');`, false)
	m := modelOf(t, s, "T2")
	ret := &plan.Select{Model: m, Fields: []plan.Output{
		{Key: "label", Field: m.Field("label")},
		{Key: "parent", Nested: &plan.Select{Model: m, Single: true, Fields: []plan.Output{{Key: "label", Field: m.Field("label")}}},
			Join: []plan.JoinPair{{Outer: "parent", Inner: "id"}}},
	}}
	mu, err := Compiler{}.Update(&plan.Update{Model: m, Key: pred.Cmp{Column: "id", Op: pred.Eq, Value: 2},
		Columns: []string{"parent"}, Values: []any{1}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/update_table_named_like_alias.sql", stepsSQL(mu))
	want := `{"label":"leaf","parent":{"label":"root"}}`
	if rows := run(t, db, mu); len(rows) != 1 || rows[0] != want {
		t.Fatalf("update returned %q\nwant %q", rows, want)
	}
}

func TestNoArrays(t *testing.T) {
	_, s := chinook(t)
	artist := s.Model("Artist")
	_, err := Compiler{}.Select(&plan.Select{Model: artist, Fields: fields(artist, "ArtistId"),
		Where: pred.Cmp{Column: "Name", Op: pred.Contains, List: true, Value: "x"}})
	if err == nil || !strings.Contains(err.Error(), "no array columns") {
		t.Errorf("list contains: err = %v", err)
	}
	list := *artist.Field("Name")
	list.IsList = true
	_, err = Compiler{}.Select(&plan.Select{Model: artist, Fields: []plan.Output{{Key: "Name", Field: &list}}})
	if err == nil || !strings.Contains(err.Error(), "no array columns") {
		t.Errorf("list field: err = %v", err)
	}
}
