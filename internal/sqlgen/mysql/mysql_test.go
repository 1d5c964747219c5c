package mysql

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
	"github.com/quarrydata/quarry/internal/testdb"
)

// env is a test database with its IR, the compiler for its server and a
// session opened the way the executor will open one.
type env struct {
	db   *testdb.DB
	s    *schema.Schema
	c    Compiler
	sess *sql.DB
}

// open loads setup into a fresh database, reads its catalog and opens a
// session with the executor's settings.
func open(t *testing.T, setup func(db *testdb.DB)) *env {
	t.Helper()
	db := testdb.New(t, testdb.MySQL)
	setup(db)
	ctx := context.Background()
	cat, err := introspect.Read(ctx, db.SQL, introspect.EngineMySQL, introspect.Options{Database: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, s: s, c: Compiler{Flavor: cat.Flavor}, sess: session(t, db)}
}

// chinook has Artist.ArtistId made AUTO_INCREMENT, as the PostgreSQL
// test's serial keys.
func chinook(t *testing.T) *env {
	return open(t, func(db *testdb.DB) {
		db.LoadChinook(t, false)
		db.Exec(t, "ALTER TABLE `Artist` MODIFY `ArtistId` INT NOT NULL AUTO_INCREMENT")
	})
}

// session opens db as the executor will: UTC session time zone (DATETIME
// and TIMESTAMP are read as UTC) and clientFoundRows, so that an UPDATE
// that matches a row without changing it still counts. Options adjust the
// configuration further.
func session(t *testing.T, db *testdb.DB, options ...func(*driver.Config)) *sql.DB {
	t.Helper()
	u, err := url.Parse(testdb.MySQLServerURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := driver.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr += ":3306"
	}
	cfg.DBName = db.Name
	cfg.Timeout = 5 * time.Second
	cfg.ClientFoundRows = true
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	for _, o := range options {
		o(cfg)
	}
	s, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func fields(m *schema.Model, names ...string) []plan.Output { return sqltest.Fields(m, names...) }

// as selects fields under other keys: as(m, "album_id", "AlbumId", ...).
func as(m *schema.Model, pairs ...string) []plan.Output {
	var out []plan.Output
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, plan.Output{Key: pairs[i], Field: field(m, pairs[i+1])})
	}
	return out
}

func field(m *schema.Model, name string) *schema.Field {
	f := m.Field(name)
	if f == nil {
		panic(fmt.Sprintf("no field %s.%s", m.Name, name))
	}
	return f
}

func col(m *schema.Model, name string) string { return field(m, name).Column }

func rel(s *schema.Schema, from *schema.Model, key, name string, sel *plan.Select) plan.Output {
	return sqltest.Rel(s, from, key, name, sel)
}

// row is one result row: the object, and the key array of a list.
type row struct{ obj, key string }

func query(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, st sqlgen.Statement) []row {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), st.SQL, st.Args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, st.SQL)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []row
	for rows.Next() {
		var r row
		var obj, key sql.NullString
		dst := []any{&obj}
		if len(cols) == 2 {
			dst = append(dst, &key)
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		if !obj.Valid {
			t.Fatalf("NULL object from\n%s", st.SQL)
		}
		r.obj, r.key = obj.String, key.String
		if !json.Valid([]byte(r.obj)) {
			t.Fatalf("not JSON: %s", r.obj)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameJSON compares JSON texts as values, numbers by their text; with
// order it also compares key order, by comparing the compacted texts.
func sameJSON(t *testing.T, got, want string, order bool) {
	t.Helper()
	g, w := decode(t, got), decode(t, want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\ngot  %s\nwant %s", got, want)
		return
	}
	if order && compact(t, got) != compact(t, want) {
		t.Errorf("key order differs\ngot  %s\nwant %s", compact(t, got), compact(t, want))
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// otherFlavor is the flavor whose server is not at hand: its SQL is kept
// as golden text beside the one that runs.
func otherFlavor(c Compiler) Compiler {
	if c.Flavor == FlavorMySQL {
		return Compiler{Flavor: FlavorMariaDB}
	}
	return Compiler{Flavor: FlavorMySQL}
}

func goldenSQL(t *testing.T, name string, c Compiler, st sqlgen.Statement) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", c.Flavor, name+".sql"), st.SQL+"\n")
}

func TestCompileAndRun(t *testing.T) {
	e := chinook(t)
	s := e.s
	album, track, artist, genre := s.Model("Album"), s.Model("Track"), s.Model("Artist"), s.Model("Genre")

	cases := []struct {
		name  string
		stmt  func(c Compiler) (sqlgen.Statement, error)
		check func(t *testing.T, rows []row)
	}{
		{
			// The PostgreSQL test's query under the same keys.
			name: "get_album_with_artist_and_tracks",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 2, Fields: as(track, "track_id", "TrackId", "name", "Name", "unit_price", "UnitPrice")}
				out := append(as(album, "album_id", "AlbumId", "title", "Title"),
					rel(s, album, "artist", "Artist", &plan.Select{Fields: as(artist, "name", "Name")}),
					rel(s, album, "tracks", "Tracks", tracks),
					plan.Output{Key: "__typename", Typename: "album"})
				return c.Select(&plan.Select{Model: album, Single: true, Fields: out,
					Where: pred.Cmp{Column: col(album, "AlbumId"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, rows []row) {
				// Copied from the PostgreSQL test.
				want := `{"album_id" : 1, "title" : "For Those About To Rock We Salute You", "artist" : {"name" : "AC/DC"}, "tracks" : {"items" : [{"track_id" : 1, "name" : "For Those About To Rock (We Salute You)", "unit_price" : 0.99}, {"track_id" : 6, "name" : "Put The Finger On You", "unit_price" : 0.99}], "nextToken" : null}, "__typename" : "album"}`
				if len(rows) != 1 {
					t.Fatalf("rows = %q", rows)
				}
				sameJSON(t, rows[0].obj, want, e.c.Flavor == FlavorMariaDB)
			},
		},
		{
			// A missing parent is null, an empty hasMany is [], and the
			// connection's __typename is a constant.
			name: "get_without_parent_or_children",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				tracks := rel(s, album, "Tracks", "Tracks", &plan.Select{Limit: 5, Fields: fields(track, "TrackId"),
					Where: pred.Const(false)})
				tracks.Connection = append(tracks.Connection, plan.ConnKey{Key: "__typename", What: "__typename", Typename: "ModelTrackConnection"})
				out := append(fields(album, "AlbumId"),
					rel(s, album, "Artist", "Artist", &plan.Select{Fields: fields(artist, "Name"),
						Where: pred.Const(false)}),
					tracks)
				return c.Select(&plan.Select{Model: album, Single: true, Fields: out,
					Where: pred.Cmp{Column: col(album, "AlbumId"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, rows []row) {
				want := `{"AlbumId": 1, "Artist": null, "Tracks": {"items": [], "nextToken": null, "__typename": "ModelTrackConnection"}}`
				if len(rows) != 1 {
					t.Fatalf("rows = %q", rows)
				}
				sameJSON(t, rows[0].obj, want, e.c.Flavor == FlavorMariaDB)
			},
		},
		{
			name: "list_tracks_filtered_page",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
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
			check: func(t *testing.T, rows []row) {
				if len(rows) != 4 {
					t.Fatalf("rows = %d, want limit+1 = 4: %q", len(rows), rows)
				}
				last := 100
				for _, r := range rows {
					var o struct {
						ID   int    `json:"TrackId"`
						Name string `json:"Name"`
					}
					if err := json.Unmarshal([]byte(r.obj), &o); err != nil {
						t.Fatal(err)
					}
					if o.ID <= last || !strings.HasPrefix(o.Name, "B") {
						t.Errorf("row %q breaks the filter, the page start or the order", r)
					}
					last = o.ID
					sameJSON(t, r.key, fmt.Sprintf("[%d]", o.ID), true)
				}
			},
		},
		{
			name: "list_tracks_desc_page",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				return c.Select(&plan.Select{Model: track, Limit: 2, Desc: true, After: []any{3000},
					Fields: fields(track, "TrackId")})
			},
			check: func(t *testing.T, rows []row) {
				var got []string
				for _, r := range rows {
					got = append(got, compact(t, r.obj)+" "+compact(t, r.key))
				}
				// The page starts after 3000 and holds limit+1 rows.
				want := []string{`{"TrackId":2999} [2999]`, `{"TrackId":2998} [2998]`, `{"TrackId":2997} [2997]`}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %q\nwant %q", got, want)
				}
			},
		},
		{
			// Without nextToken a list fetches its page only, with no keys.
			name: "list_tracks_no_next",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				return c.Select(&plan.Select{Model: track, Limit: 2, Desc: true, After: []any{3000}, NoNext: true,
					Fields: fields(track, "TrackId")})
			},
			check: func(t *testing.T, rows []row) {
				var got []string
				for _, r := range rows {
					got = append(got, compact(t, r.obj)+" "+r.key)
				}
				want := []string{`{"TrackId":2999} `, `{"TrackId":2998} `}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %q\nwant %q", got, want)
				}
			},
		},
		{
			// 1000 of Rock's 1297 tracks, newest first: order must come from
			// the aggregate, not from how rows happen to be read (by the
			// GenreId index, ascending), which would give 1, 2, 3, ...
			name: "genre_tracks_desc",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 1000, Desc: true, Fields: fields(track, "TrackId")}
				return c.Select(&plan.Select{Model: genre, Single: true,
					Fields: append(fields(genre, "Name"), rel(s, genre, "Tracks", "Tracks", tracks)),
					Where:  pred.Cmp{Column: col(genre, "GenreId"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, rows []row) {
				if len(rows) != 1 {
					t.Fatalf("rows = %q", rows)
				}
				checkItems(t, e, rows[0].obj, 1, 1000)
			},
		},
		{
			// Correlation per row: each genre of a list has its own items.
			name: "list_genres_with_tracks",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 5, Desc: true, Fields: fields(track, "TrackId")}
				return c.Select(&plan.Select{Model: genre, Limit: 4,
					Fields: append(fields(genre, "GenreId"), rel(s, genre, "Tracks", "Tracks", tracks))})
			},
			check: func(t *testing.T, rows []row) {
				if len(rows) != 5 {
					t.Fatalf("rows = %d, want 5", len(rows))
				}
				for _, r := range rows {
					var o struct{ GenreId int }
					if err := json.Unmarshal([]byte(r.obj), &o); err != nil {
						t.Fatal(err)
					}
					checkItems(t, e, r.obj, o.GenreId, 5)
				}
			},
		},
		{
			// A nested page after track 6 of album 1 (1, 6, 7, 8, ...):
			// items 7 and 8, and a marker holding the parent's key and 8.
			name: "get_album_tracks_next_page",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 2, After: []any{6}, Fields: as(track, "track_id", "TrackId"),
					Page: &plan.Page{Marker: "m", ID: 0, Parent: []*schema.Field{field(album, "AlbumId")}}}
				return c.Select(&plan.Select{Model: album, Single: true, Fields: []plan.Output{rel(s, album, "tracks", "Tracks", tracks)},
					Where: pred.Cmp{Column: col(album, "AlbumId"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, rows []row) {
				want := `{"tracks": {"items": [{"track_id": 7}, {"track_id": 8}], "nextToken": ["m", 0, [1], [8]]}}`
				if len(rows) != 1 {
					t.Fatalf("rows = %q", rows)
				}
				sameJSON(t, rows[0].obj, want, false)
			},
		},
		{
			name: "injection_is_data",
			stmt: func(c Compiler) (sqlgen.Statement, error) {
				where := pred.Or{
					pred.Cmp{Column: col(artist, "Name"), Op: pred.Eq, Value: "x'; DROP TABLE Artist; --"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.Contains, Value: "%"},
					pred.Cmp{Column: col(artist, "Name"), Op: pred.BeginsWith, Value: "_"},
				}
				return c.Select(&plan.Select{Model: artist, Limit: 10, Where: where, Fields: fields(artist, "ArtistId")})
			},
			check: func(t *testing.T, rows []row) {
				if len(rows) != 0 {
					t.Errorf("wildcards or quotes matched as syntax: %q", rows)
				}
			},
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			st, err := tt.stmt(e.c)
			if err != nil {
				t.Fatal(err)
			}
			goldenSQL(t, tt.name, e.c, st)
			other := otherFlavor(e.c)
			ost, err := tt.stmt(other)
			if err != nil {
				t.Fatal(err)
			}
			goldenSQL(t, tt.name, other, ost)
			tt.check(t, query(t, e.sess, st))
		})
	}
	var n int
	if err := e.sess.QueryRow("SELECT count(*) FROM `Artist`").Scan(&n); err != nil || n != 275 {
		t.Errorf("artist rows = %d, %v", n, err)
	}
}

// checkItems compares obj's Tracks.items with the genre's tracks read
// directly, newest first.
func checkItems(t *testing.T, e *env, obj string, genre, limit int) {
	t.Helper()
	var o struct {
		Tracks struct {
			Items []struct{ TrackId int }
		}
	}
	if err := json.Unmarshal([]byte(obj), &o); err != nil {
		t.Fatalf("%v: %.200s", err, obj)
	}
	var got []int
	for _, it := range o.Tracks.Items {
		got = append(got, it.TrackId)
	}
	rows, err := e.sess.Query("SELECT `TrackId` FROM `Track` WHERE `GenreId` = ? ORDER BY `TrackId` DESC LIMIT ?", genre, limit)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var want []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("genre %d: %d items, want %d in descending key order; first %v, want %v", genre, len(got), len(want), head(got), head(want))
	}
}

func head(s []int) []int { return s[:min(5, len(s))] }

// TestItemsOrderAndSize runs the large hasMany on a session whose
// group_concat_max_len is MySQL's default, 1024 bytes: without the
// statement's own setting the array would be cut and come back null.
func TestItemsOrderAndSize(t *testing.T) {
	e := chinook(t)
	e.sess = session(t, e.db, func(c *driver.Config) { c.Params["group_concat_max_len"] = "1024" })
	genre, track := e.s.Model("Genre"), e.s.Model("Track")
	var limit int
	if err := e.sess.QueryRow("SELECT @@group_concat_max_len").Scan(&limit); err != nil || limit != 1024 {
		t.Fatalf("session group_concat_max_len = %d, %v", limit, err)
	}
	tracks := &plan.Select{Limit: 1297, Desc: true, Fields: fields(track, "TrackId", "Name", "Composer")}
	st, err := e.c.Select(&plan.Select{Model: genre, Single: true,
		Fields: []plan.Output{rel(e.s, genre, "Tracks", "Tracks", tracks)},
		Where:  pred.Cmp{Column: col(genre, "GenreId"), Op: pred.Eq, Value: 1}})
	if err != nil {
		t.Fatal(err)
	}
	rows := query(t, e.sess, st)
	if len(rows) != 1 || len(rows[0].obj) < 50000 {
		t.Fatalf("got %d rows, %d bytes", len(rows), len(rows[0].obj))
	}
	checkItems(t, e, rows[0].obj, 1, 1297)
}

// TestInjectionCorpus stores hostile text and finds each value exactly,
// under both sql_modes that change what a backslash means in a literal
// and with the driver's server-side and client-side parameters.
func TestInjectionCorpus(t *testing.T) {
	corpus := []string{
		"x'; DROP TABLE `Artist`; --",
		`O'Brien`, `''`, `'`, `"quoted"`, `back\slash`, `\`, `\\`, `\'`, `\%`, `100% Pure`,
		`a_b`, `%`, `_`, "/* comment */", "-- dash", "# hash", "`tick`", "tab\there", "nul\x00byte",
		"ünïcødé ♪", // Chinook's NVARCHAR is utf8mb3: no emoji
	}
	noBackslashEscapes := func(c *driver.Config) { c.Params["sql_mode"] = "'NO_BACKSLASH_ESCAPES'" }
	clientSide := func(c *driver.Config) { c.InterpolateParams = true }
	modes := []struct {
		name    string
		options []func(*driver.Config)
	}{
		{"default", nil},
		{"no_backslash_escapes", []func(*driver.Config){noBackslashEscapes}},
		{"interpolated", []func(*driver.Config){clientSide}},
		{"interpolated_no_backslash_escapes", []func(*driver.Config){clientSide, noBackslashEscapes}},
	}
	e := chinook(t)
	artist := e.s.Model("Artist")
	for i, v := range corpus {
		if _, err := e.sess.Exec("INSERT INTO `Artist` (`ArtistId`, `Name`) VALUES (?, ?)", 1000+i, v); err != nil {
			t.Fatal(err)
		}
	}
	name := col(artist, "Name")
	for _, mode := range modes {
		sess := session(t, e.db, mode.options...)
		t.Run(mode.name, func(t *testing.T) {
			for i, v := range corpus {
				id := 1000 + i
				for _, p := range []struct {
					op   pred.Op
					want func(string) bool
				}{
					{pred.Eq, func(s string) bool { return strings.EqualFold(s, v) }},
					{pred.Contains, func(s string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(v)) }},
					{pred.BeginsWith, func(s string) bool { return strings.HasPrefix(strings.ToLower(s), strings.ToLower(v)) }},
				} {
					st, err := e.c.Select(&plan.Select{Model: artist, Limit: 400,
						Where:  pred.Cmp{Column: name, Op: p.op, Value: v},
						Fields: fields(artist, "ArtistId", "Name")})
					if err != nil {
						t.Fatal(err)
					}
					found := false
					for _, r := range query(t, sess, st) {
						var o struct {
							ArtistId int
							Name     string
						}
						if err := json.Unmarshal([]byte(r.obj), &o); err != nil {
							t.Fatal(err)
						}
						found = found || o.ArtistId == id
						if !p.want(o.Name) {
							t.Errorf("%s %q matched %q: the value was read as syntax", p.op, v, o.Name)
						}
					}
					if !found {
						t.Errorf("%s %q did not find its own row", p.op, v)
					}
				}
			}
		})
	}
	var n int
	if err := e.sess.QueryRow("SELECT count(*) FROM `Artist`").Scan(&n); err != nil || n != 275+len(corpus) {
		t.Errorf("artist rows = %d, %v", n, err)
	}
}

// kindsTable holds one row of every kind of value with known contents,
// one row of NULLs, and a column whose name needs its backtick doubled.
const kindsTable = "CREATE TABLE `kinds` (" +
	"`id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY," +
	"`dt` DATETIME(3), `dt0` DATETIME, `ts` TIMESTAMP(6) NULL, `d` DATE, `tm` TIME(3)," +
	"`j` JSON, `b` BOOLEAN, `t1` TINYINT(1), `small` TINYINT," +
	"`big` BIGINT, `big_small` BIGINT, `big_u` BIGINT UNSIGNED," +
	"`s` SET('a','b','c'), `s_empty` SET('a','b')," +
	"`dec` DECIMAL(10,2), `dbl` DOUBLE, `bits` BIT(8), `yr` YEAR," +
	"`bin` VARBINARY(8), `blb` BLOB, `g` POINT, `e` ENUM('x','y'), `txt` VARCHAR(40)," +
	"`odd``name` INT)"

const kindsRows = "INSERT INTO `kinds` VALUES (1, '2024-02-29 23:59:58.123', '2024-02-29 23:59:58', '2024-01-01 00:00:00.5'," +
	" '2024-02-29', '12:34:56.789', '{\"a\": [1, \"x\"], \"b\": null}', TRUE, 0, -7," +
	" 9007199254740993, -42, 18446744073709551615, 'a,c', ''," +
	" 1234.50, 0.1, b'101', 2024, 'Hi', x'00ff', POINT(1, 2), 'y', 'it''s \"q\" ü'," +
	" 5);" +
	"INSERT INTO `kinds` (`id`, `s_empty`) VALUES (2, '')"

// TestFormats reads every kind of value and compares it with the text
// the PostgreSQL compiler gives for the same value.
func TestFormats(t *testing.T) {
	e := open(t, func(db *testdb.DB) {
		db.Exec(t, "SET time_zone = '+00:00'; "+kindsTable+"; "+kindsRows)
	})
	m := e.s.Model("kinds")
	// Boolean is a choice the user makes in their schema: the catalog
	// says tinyint for BOOLEAN and TINYINT(1) alike.
	field(m, "b").Type = schema.Boolean
	field(m, "t1").Type = schema.Boolean
	names := []string{"id", "dt", "dt0", "ts", "d", "tm", "j", "b", "t1", "small", "big", "big_small", "big_u",
		"s", "s_empty", "dec", "dbl", "bits", "yr", "bin", "blb", "g", "e", "txt"}
	out := append(fields(m, names...), plan.Output{Key: "odd", Field: m.Fields[len(m.Fields)-1]})
	if out[len(out)-1].Field.Column != "odd`name" {
		t.Fatalf("last column is %q", out[len(out)-1].Field.Column)
	}
	st, err := e.c.Select(&plan.Select{Model: m, Limit: 10, Fields: out})
	if err != nil {
		t.Fatal(err)
	}
	goldenSQL(t, "formats", e.c, st)
	ost, _ := otherFlavor(e.c).Select(&plan.Select{Model: m, Limit: 10, Fields: out})
	goldenSQL(t, "formats", otherFlavor(e.c), ost)
	rows := query(t, e.sess, st)
	if len(rows) != 2 {
		t.Fatalf("rows = %q", rows)
	}
	want := []string{
		`{"id": 1, "dt": "2024-02-29T23:59:58.123Z", "dt0": "2024-02-29T23:59:58.000Z", "ts": "2024-01-01T00:00:00.500Z",
		  "d": "2024-02-29", "tm": "12:34:56.789", "j": "{\"a\": [1, \"x\"], \"b\": null}", "b": true, "t1": false, "small": -7,
		  "big": "9007199254740993", "big_small": -42, "big_u": "18446744073709551615",
		  "s": ["a", "c"], "s_empty": [], "dec": 1234.50, "dbl": 0.1, "bits": 5, "yr": 2024,
		  "bin": "\\x4869", "blb": "\\x00ff", "g": "POINT(1 2)", "e": "y", "txt": "it's \"q\" ü", "odd": 5}`,
		`{"id": 2, "dt": null, "dt0": null, "ts": null, "d": null, "tm": null, "j": null, "b": null, "t1": null, "small": null,
		  "big": null, "big_small": null, "big_u": null, "s": null, "s_empty": [], "dec": null, "dbl": null, "bits": null,
		  "yr": null, "bin": null, "blb": null, "g": null, "e": null, "txt": null, "odd": null}`,
	}
	for i, r := range rows {
		sameJSON(t, r.obj, want[i], e.c.Flavor == FlavorMariaDB)
		sameJSON(t, r.key, fmt.Sprintf("[%d]", i+1), true)
	}

	// Filters on the same kinds: SET membership, length, bound values
	// compared with each type.
	for _, f := range []struct {
		where pred.Expr
		want  int
	}{
		{pred.Cmp{Column: "s", Op: pred.Contains, List: true, Value: "c"}, 1},
		{pred.Cmp{Column: "s", Op: pred.Contains, List: true, Value: "b"}, 0},
		{pred.Cmp{Column: "s", Op: pred.NotContains, List: true, Value: "b"}, 2},
		{pred.Cmp{Column: "txt", Op: pred.Eq, Size: true, Value: 10}, 1}, // characters (11 bytes)
		{pred.Cmp{Column: "big", Op: pred.Eq, Value: int64(9007199254740993)}, 1},
		{pred.Cmp{Column: "big", Op: pred.Eq, Value: int64(9007199254740992)}, 0},
		{pred.Cmp{Column: "dt", Op: pred.Gt, Value: "2024-02-29 23:59:58"}, 1},
		{pred.Cmp{Column: "d", Op: pred.Eq, Value: "2024-02-29"}, 1},
	} {
		st, err := e.c.Select(&plan.Select{Model: m, Limit: 10, Where: f.where, Fields: fields(m, "id")})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(query(t, e.sess, st)); got != f.want {
			t.Errorf("%+v: %d rows, want %d\n%s", f.where, got, f.want, st.SQL)
		}
	}
}

// runMutation runs m's steps in one transaction, as the executor will: a
// MustAffect step that changes nothing, or a Returns step without a row,
// rolls back and yields no result.
func runMutation(t *testing.T, db *sql.DB, m sqlgen.Mutation) (string, bool) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	var result string
	returned := false
	for _, st := range m.Steps {
		switch {
		case st.Returns:
			var obj sql.NullString
			err := tx.QueryRowContext(ctx, st.SQL, st.Args...).Scan(&obj)
			if err == sql.ErrNoRows {
				return "", false
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, st.SQL)
			}
			result, returned = obj.String, true
		default:
			res, err := tx.ExecContext(ctx, st.SQL, st.Args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, st.SQL)
			}
			n, err := res.RowsAffected()
			if err != nil {
				t.Fatal(err)
			}
			if st.MustAffect && n == 0 {
				return "", false
			}
		}
	}
	if !returned {
		t.Fatal("no step returns the row")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return result, true
}

// mutationSQL is the golden text of a mutation: one line per step, with
// its role.
func mutationSQL(m sqlgen.Mutation) string {
	var b strings.Builder
	for _, st := range m.Steps {
		role := "-- write"
		if st.Returns {
			role = "-- returns"
		}
		if st.MustAffect {
			role += ", must affect a row"
		}
		b.WriteString(role + "\n" + st.SQL + "\n")
	}
	return b.String()
}

func goldenMutation(t *testing.T, name string, c Compiler, compile func(Compiler) (sqlgen.Mutation, error)) sqlgen.Mutation {
	t.Helper()
	m, err := compile(c)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", c.Flavor, name+".sql"), mutationSQL(m))
	other := otherFlavor(c)
	om, err := compile(other)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", other.Flavor, name+".sql"), mutationSQL(om))
	return m
}

func TestMutationsReturnTheStoredRow(t *testing.T) {
	e := chinook(t)
	s := e.s
	artist, album := s.Model("Artist"), s.Model("Album")
	ret := &plan.Select{Model: artist, Fields: fields(artist, "ArtistId", "Name")}
	mustReturn := func(t *testing.T, m sqlgen.Mutation, want string) {
		t.Helper()
		got, ok := runMutation(t, e.sess, m)
		if !ok {
			t.Fatalf("no row, want %s", want)
		}
		sameJSON(t, got, want, e.c.Flavor == FlavorMariaDB)
	}
	mustNot := func(t *testing.T, m sqlgen.Mutation) {
		t.Helper()
		if got, ok := runMutation(t, e.sess, m); ok {
			t.Fatalf("returned %s, want nothing", got)
		}
	}
	name := func(id int) string {
		var n sql.NullString
		err := e.sess.QueryRow("SELECT `Name` FROM `Artist` WHERE `ArtistId` = ?", id).Scan(&n)
		if err == sql.ErrNoRows {
			return "<missing>"
		}
		if err != nil {
			t.Fatal(err)
		}
		return n.String
	}

	// AUTO_INCREMENT key: the read finds the row by LAST_INSERT_ID().
	m := goldenMutation(t, "insert", e.c, func(c Compiler) (sqlgen.Mutation, error) {
		return c.Insert(&plan.Insert{Model: artist, Columns: []string{"Name"}, Values: []any{"Quarry Quartet"}, Return: ret})
	})
	mustReturn(t, m, `{"ArtistId": 276, "Name": "Quarry Quartet"}`)

	// Key given, with a nested belongsTo in the result.
	m = goldenMutation(t, "insert_with_key", e.c, func(c Compiler) (sqlgen.Mutation, error) {
		return c.Insert(&plan.Insert{Model: album, Columns: []string{"AlbumId", "Title", "ArtistId"},
			Values: []any{9000, "Live at 127.0.0.1", 1},
			Return: &plan.Select{Model: album, Fields: append(fields(album, "AlbumId", "Title"),
				rel(s, album, "Artist", "Artist", &plan.Select{Fields: fields(artist, "Name")}))}})
	})
	mustReturn(t, m, `{"AlbumId": 9000, "Title": "Live at 127.0.0.1", "Artist": {"Name": "AC/DC"}}`)

	key := pred.Cmp{Column: "ArtistId", Op: pred.Eq, Value: 276}
	m = goldenMutation(t, "update", e.c, func(c Compiler) (sqlgen.Mutation, error) {
		return c.Update(&plan.Update{Model: artist, Key: key, Columns: []string{"Name"}, Values: []any{"Renamed"},
			Where: pred.Cmp{Column: "Name", Op: pred.Eq, Value: "not the current name"}, Return: ret})
	})
	mustNot(t, m)
	if got := name(276); got != "Quarry Quartet" {
		t.Fatalf("update with a false condition changed the name to %q", got)
	}
	m, err := e.c.Update(&plan.Update{Model: artist, Key: key, Columns: []string{"Name"}, Values: []any{"Renamed"}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	mustReturn(t, m, `{"ArtistId": 276, "Name": "Renamed"}`)
	// The same values again: matched, unchanged, still counted
	// (clientFoundRows) and returned.
	mustReturn(t, m, `{"ArtistId": 276, "Name": "Renamed"}`)
	// No columns at all.
	m, _ = e.c.Update(&plan.Update{Model: artist, Key: key, Return: ret})
	mustReturn(t, m, `{"ArtistId": 276, "Name": "Renamed"}`)
	// A missing row.
	m, _ = e.c.Update(&plan.Update{Model: artist, Key: pred.Cmp{Column: "ArtistId", Op: pred.Eq, Value: 999}, Columns: []string{"Name"}, Values: []any{"x"}, Return: ret})
	mustNot(t, m)

	// An update that changes the key is read back by the new key.
	m, _ = e.c.Insert(&plan.Insert{Model: artist, Columns: []string{"ArtistId", "Name"}, Values: []any{7000, "Mover"}, Return: ret})
	mustReturn(t, m, `{"ArtistId": 7000, "Name": "Mover"}`)
	m, _ = e.c.Update(&plan.Update{Model: artist, Key: pred.And{pred.Cmp{Column: "ArtistId", Op: pred.Eq, Value: 7000}},
		Columns: []string{"ArtistId", "Name"}, Values: []any{7001, "Moved"}, Return: ret})
	mustReturn(t, m, `{"ArtistId": 7001, "Name": "Moved"}`)

	m = goldenMutation(t, "delete", e.c, func(c Compiler) (sqlgen.Mutation, error) {
		return c.Delete(&plan.Delete{Model: artist, Key: key, Return: ret})
	})
	falseCond, _ := e.c.Delete(&plan.Delete{Model: artist, Key: key, Return: ret,
		Where: pred.Cmp{Column: "Name", Op: pred.BeginsWith, Value: "Quarry"}})
	mustNot(t, falseCond)
	if got := name(276); got != "Renamed" {
		t.Fatalf("delete with a false condition: name = %q", got)
	}
	mustReturn(t, m, `{"ArtistId": 276, "Name": "Renamed"}`)
	if got := name(276); got != "<missing>" {
		t.Fatalf("after delete: name = %q", got)
	}
	mustNot(t, m)

	// A result with relationships: the aggregating read (SET STATEMENT
	// ... FOR SELECT ... FOR UPDATE on MariaDB) inside the transaction.
	track := s.Model("Track")
	m = goldenMutation(t, "delete_with_relationships", e.c, func(c Compiler) (sqlgen.Mutation, error) {
		return c.Delete(&plan.Delete{Model: album, Key: pred.Cmp{Column: "AlbumId", Op: pred.Eq, Value: 9000},
			Return: &plan.Select{Model: album, Fields: append(fields(album, "AlbumId"),
				rel(s, album, "Artist", "Artist", &plan.Select{Fields: fields(artist, "Name")}),
				rel(s, album, "Tracks", "Tracks", &plan.Select{Limit: 10, Fields: fields(track, "TrackId")}))}})
	})
	mustReturn(t, m, `{"AlbumId": 9000, "Artist": {"Name": "AC/DC"}, "Tracks": {"items": [], "nextToken": null}}`)
	mustNot(t, m)
}

func TestMutationErrors(t *testing.T) {
	m := &schema.Model{Name: "T", Table: schema.TableRef{Name: "t"}, PrimaryKey: []string{"id"},
		Fields: []*schema.Field{{Name: "id", Column: "id", Type: schema.String}, {Name: "v", Column: "v", Type: schema.String}}}
	ret := &plan.Select{Model: m, Fields: fields(m, "id")}
	c := Compiler{Flavor: FlavorMariaDB}
	if _, err := c.Insert(&plan.Insert{Model: m, Columns: []string{"v"}, Values: []any{"x"}, Return: ret}); err == nil {
		t.Error("insert without a key value or AUTO_INCREMENT: no error")
	}
	if _, err := c.Insert(&plan.Insert{Model: m, Columns: []string{"v"}, Values: nil, Return: ret}); err == nil {
		t.Error("insert with fewer values than columns: no error")
	}
	if _, err := (Compiler{}).Select(ret); err == nil {
		t.Error("empty flavor: no error")
	}
	if _, err := c.Select(&plan.Select{Model: m, Limit: 2, After: []any{1, 2}, Fields: fields(m, "id")}); err == nil {
		t.Error("page token longer than the key: no error")
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{"a": "`a`", "a`b": "`a``b`", "``": "``````", `a"b'c\`: "`a\"b'c\\`"} {
		if got := (dialect{}).QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
}
