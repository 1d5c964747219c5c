package postgres

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
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

// chinook loads Chinook (serial keys) and returns its IR.
func chinook(t *testing.T) (*testdb.DB, *schema.Schema) {
	t.Helper()
	db := testdb.New(t, testdb.Postgres)
	db.LoadChinook(t, true)
	db.Exec(t, "SET TIME ZONE 'UTC'")
	cat, err := introspect.Read(context.Background(), db.SQL, introspect.EnginePostgres, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		t.Fatal(err)
	}
	return db, s
}

func fields(m *schema.Model, names ...string) []plan.Output { return sqltest.Fields(m, names...) }

func col(m *schema.Model, field string) string { return m.Field(field).Column }

func rel(s *schema.Schema, from *schema.Model, name string, sel *plan.Select) plan.Output {
	return sqltest.Rel(s, from, name, name, sel)
}

func query(t *testing.T, db *testdb.DB, st sqlgen.Statement) []string {
	t.Helper()
	return sqltest.Query(t, db.SQL, st)
}

func TestCompileAndRun(t *testing.T) {
	db, s := chinook(t)
	album, track, artist := s.Model("album"), s.Model("track"), s.Model("artist")
	c := Compiler{}

	cases := []struct {
		name  string
		stmt  func() (sqlgen.Statement, error)
		check func(t *testing.T, rows []string)
	}{
		{
			name: "get_album_with_artist_and_tracks",
			stmt: func() (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 2, Fields: fields(track, "track_id", "name", "unit_price")}
				out := append(fields(album, "album_id", "title"),
					rel(s, album, "artist", &plan.Select{Fields: fields(artist, "name")}),
					rel(s, album, "tracks", tracks),
					plan.Output{Key: "__typename", Typename: "album"})
				return c.Select(&plan.Select{Model: album, Single: true, Fields: out,
					Where: pred.Cmp{Column: col(album, "album_id"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, rows []string) {
				want := `{"album_id" : 1, "title" : "For Those About To Rock We Salute You", "artist" : {"name" : "AC/DC"}, "tracks" : {"items" : [{"track_id" : 1, "name" : "For Those About To Rock (We Salute You)", "unit_price" : 0.99},{"track_id" : 6, "name" : "Put The Finger On You", "unit_price" : 0.99}], "nextToken" : null}, "__typename" : "album"}`
				if len(rows) != 1 || rows[0] != want {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			name: "list_tracks_filtered_page",
			stmt: func() (sqlgen.Statement, error) {
				where := pred.And{
					pred.Cmp{Column: col(track, "name"), Op: pred.BeginsWith, Value: "B"},
					pred.Or{
						pred.Cmp{Column: col(track, "milliseconds"), Op: pred.Gt, Value: 300000},
						pred.Not{X: pred.Cmp{Column: col(track, "composer"), Op: pred.Exists, Value: true}},
					},
					pred.Cmp{Column: col(track, "unit_price"), Op: pred.Between, Values: []any{0.5, 1.0}},
				}
				return c.Select(&plan.Select{Model: track, Limit: 3, After: []any{100}, Where: where,
					Fields: fields(track, "track_id", "name")})
			},
			check: func(t *testing.T, rows []string) {
				if len(rows) != 4 {
					t.Fatalf("rows = %d, want limit+1 = 4: %q", len(rows), rows)
				}
				for _, r := range rows {
					var o struct {
						ID   int    `json:"track_id"`
						Name string `json:"name"`
					}
					obj, key, _ := strings.Cut(r, " | ")
					if err := json.Unmarshal([]byte(obj), &o); err != nil {
						t.Fatal(err)
					}
					if o.ID <= 100 || !strings.HasPrefix(o.Name, "B") || key == "" {
						t.Errorf("row %q breaks the filter or the page start", r)
					}
				}
			},
		},
		{
			// A nested page after track 6 of album 1 (1, 6, 7, 8, ...):
			// items 7 and 8, and a marker holding the parent's key and 8.
			name: "get_album_tracks_next_page",
			stmt: func() (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 2, After: []any{6}, Fields: fields(track, "track_id"),
					Page: &plan.Page{Marker: "m", ID: 0, Parent: []*schema.Field{album.Field("album_id")}}}
				return c.Select(&plan.Select{Model: album, Single: true, Fields: []plan.Output{rel(s, album, "tracks", tracks)},
					Where: pred.Cmp{Column: col(album, "album_id"), Op: pred.Eq, Value: 1}})
			},
			check: func(t *testing.T, rows []string) {
				want := `{"tracks" : {"items" : [{"track_id" : 7},{"track_id" : 8}], "nextToken" : ["m", 0, [1], [8]]}}`
				if len(rows) != 1 || rows[0] != want {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			// To-one relationships on a key are plain joins: a missing one
			// (the first employee reports to no one) is null, and a chain
			// of them joins each to the one before.
			name: "list_employees_manager_chain",
			stmt: func() (sqlgen.Statement, error) {
				employee := s.Model("employee")
				var manager string
				for _, r := range employee.Relationships {
					if r.Kind == schema.BelongsTo && r.Target == employee.Name {
						manager = r.Name
					}
				}
				boss := &plan.Select{Fields: fields(employee, "last_name")}
				mgr := &plan.Select{Fields: append(fields(employee, "last_name"),
					sqltest.Rel(s, employee, "manager", manager, boss))}
				return c.Select(&plan.Select{Model: employee, Limit: 3,
					Fields: append(fields(employee, "employee_id"), sqltest.Rel(s, employee, "manager", manager, mgr))})
			},
			check: func(t *testing.T, rows []string) {
				want := []string{
					`{"employee_id" : 1, "manager" : null} | [1]`,
					`{"employee_id" : 2, "manager" : {"last_name" : "Adams", "manager" : null}} | [2]`,
					`{"employee_id" : 3, "manager" : {"last_name" : "Edwards", "manager" : {"last_name" : "Adams"}}} | [3]`,
				}
				if len(rows) != 4 || !slices.Equal(rows[:3], want) {
					t.Errorf("got %q\nwant %q and a fourth row", rows, want)
				}
			},
		},
		{
			// A hasMany inside a joined object reads the joined row.
			name: "get_album_artist_albums",
			stmt: func() (sqlgen.Statement, error) {
				albums := &plan.Select{Limit: 1, Fields: fields(album, "title")}
				return c.Select(&plan.Select{Model: album, Single: true,
					Fields: []plan.Output{rel(s, album, "artist", &plan.Select{Fields: append(fields(artist, "name"),
						rel(s, artist, "albums", albums))})},
					Where: pred.Cmp{Column: col(album, "album_id"), Op: pred.Eq, Value: 4}})
			},
			check: func(t *testing.T, rows []string) {
				want := `{"artist" : {"name" : "AC/DC", "albums" : {"items" : [{"title" : "For Those About To Rock We Salute You"}], "nextToken" : null}}}`
				if len(rows) != 1 || rows[0] != want {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			// A to-one relationship whose key the database does not
			// enforce (a view's, one declared in the schema file) is a
			// lateral join of at most one row; a filter on it (the
			// caller's rules) leaves it null where it fails, in both
			// forms.
			name: "get_album_artist_unenforced_key",
			stmt: func() (sqlgen.Statement, error) {
				declared := *artist
				declared.UniqueColumns = nil
				loose := rel(s, album, "artist", &plan.Select{Fields: fields(artist, "name")})
				loose.Key = "loose"
				loose.Nested.Model = &declared
				filtered := rel(s, album, "artist", &plan.Select{Fields: fields(artist, "name"),
					Where: pred.Cmp{Column: col(artist, "name"), Op: pred.BeginsWith, Value: "Z"}})
				filtered.Key = "filtered"
				return c.Select(&plan.Select{Model: album, Single: true, Fields: []plan.Output{loose, filtered},
					Where: pred.Cmp{Column: col(album, "album_id"), Op: pred.Eq, Value: 4}})
			},
			check: func(t *testing.T, rows []string) {
				want := `{"loose" : {"name" : "AC/DC"}, "filtered" : null}`
				if len(rows) != 1 || rows[0] != want {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			// The row past a page whose objects hold a hasMany is
			// numbered, not built: its object is NULL, its key is there.
			name: "list_albums_tracks_look_ahead",
			stmt: func() (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 1, Fields: fields(track, "track_id")}
				return c.Select(&plan.Select{Model: album, Limit: 2, After: []any{1},
					Fields: append(fields(album, "album_id"), rel(s, album, "tracks", tracks))})
			},
			check: func(t *testing.T, rows []string) {
				want := []string{
					`{"album_id" : 2, "tracks" : {"items" : [{"track_id" : 2}], "nextToken" : null}} | [2]`,
					`{"album_id" : 3, "tracks" : {"items" : [{"track_id" : 3}], "nextToken" : null}} | [3]`,
					`null | [4]`,
				}
				if !slices.Equal(rows, want) {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			// Without nextToken a list fetches its page only, with no keys.
			name: "list_albums_no_next",
			stmt: func() (sqlgen.Statement, error) {
				tracks := &plan.Select{Limit: 1, Fields: fields(track, "track_id")}
				return c.Select(&plan.Select{Model: album, Limit: 2, NoNext: true,
					Fields: append(fields(album, "album_id"), rel(s, album, "tracks", tracks))})
			},
			check: func(t *testing.T, rows []string) {
				want := []string{
					`{"album_id" : 1, "tracks" : {"items" : [{"track_id" : 1}], "nextToken" : null}} | null`,
					`{"album_id" : 2, "tracks" : {"items" : [{"track_id" : 2}], "nextToken" : null}} | null`,
				}
				if !slices.Equal(rows, want) {
					t.Errorf("got %q\nwant %q", rows, want)
				}
			},
		},
		{
			name: "injection_is_data",
			stmt: func() (sqlgen.Statement, error) {
				where := pred.Or{
					pred.Cmp{Column: col(artist, "name"), Op: pred.Eq, Value: "x'; DROP TABLE artist; --"},
					pred.Cmp{Column: col(artist, "name"), Op: pred.Contains, Value: "%"},
					pred.Cmp{Column: col(artist, "name"), Op: pred.BeginsWith, Value: "_"},
				}
				return c.Select(&plan.Select{Model: artist, Limit: 10, Where: where, Fields: fields(artist, "artist_id")})
			},
			check: func(t *testing.T, rows []string) {
				if len(rows) != 0 {
					t.Errorf("wildcards or quotes matched as syntax: %q", rows)
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
			tt.check(t, query(t, db, st))
		})
	}
	var n int
	if err := db.SQL.QueryRow("SELECT count(*) FROM artist").Scan(&n); err != nil || n != 275 {
		t.Errorf("artist rows = %d, %v", n, err)
	}
}

func TestMutationsReturnTheStoredRow(t *testing.T) {
	db, s := chinook(t)
	artist := s.Model("artist")
	c := Compiler{}
	ret := &plan.Select{Model: artist, Fields: fields(artist, "artist_id", "name")}

	m, err := c.Insert(&plan.Insert{Model: artist, Columns: []string{"name"}, Values: []any{"Quarry Quartet"}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	st := m.Steps[0].Statement
	golden.Assert(t, "testdata/insert.sql", st.SQL+"\n")
	rows := query(t, db, st)
	if len(rows) != 1 || !strings.Contains(rows[0], `"artist_id" : 276`) {
		t.Fatalf("insert returned %q, want the serial id 276", rows)
	}

	key := pred.Cmp{Column: "artist_id", Op: pred.Eq, Value: 276}
	m, err = c.Update(&plan.Update{Model: artist, Key: key, Columns: []string{"name"}, Values: []any{"Renamed"},
		Where: pred.Cmp{Column: "name", Op: pred.Eq, Value: "not the current name"}, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	st = m.Steps[0].Statement
	golden.Assert(t, "testdata/update.sql", st.SQL+"\n")
	if rows := query(t, db, st); len(rows) != 0 {
		t.Fatalf("update with a false condition returned %q", rows)
	}
	m, _ = c.Update(&plan.Update{Model: artist, Key: key, Columns: []string{"name"}, Values: []any{"Renamed"}, Return: ret})
	st = m.Steps[0].Statement
	if rows := query(t, db, st); len(rows) != 1 || !strings.Contains(rows[0], "Renamed") {
		t.Fatalf("update returned %q", rows)
	}

	m, err = c.Delete(&plan.Delete{Model: artist, Key: key, Return: ret})
	if err != nil {
		t.Fatal(err)
	}
	st = m.Steps[0].Statement
	golden.Assert(t, "testdata/delete.sql", st.SQL+"\n")
	if rows := query(t, db, st); len(rows) != 1 || !strings.Contains(rows[0], "Renamed") {
		t.Fatalf("delete returned %q", rows)
	}
	if rows := query(t, db, st); len(rows) != 0 {
		t.Fatalf("second delete returned %q", rows)
	}
}
