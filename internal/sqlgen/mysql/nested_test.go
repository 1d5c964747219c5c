package mysql

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// TestNestedCut runs limited nested lists that MariaDB cuts at the
// Limit-th row's key (see cutOff) and compares their items with the plain
// ORDER BY ... LIMIT of the same rows: a join table whose composite key
// the join half fixes, a page of it under a filter that the probe must
// apply too (else it would cut at a row the list never sees), and sortBy
// on a NOT NULL column whose ties straddle the cut.
func TestNestedCut(t *testing.T) {
	e := chinook(t)
	s := e.s
	playlist, pt, track, album, artist, genre := s.Model("Playlist"), s.Model("PlaylistTrack"), s.Model("Track"),
		s.Model("Album"), s.Model("Artist"), s.Model("Genre")
	byID := func(m *schema.Model, id int) pred.Expr {
		return pred.Cmp{Column: m.PrimaryKey[0], Op: pred.Eq, Value: id}
	}
	deep := func() []plan.Output {
		a := rel(s, album, "artist", "Artist", &plan.Select{Fields: as(artist, "name", "Name")})
		al := rel(s, track, "album", "Album", &plan.Select{Fields: append(as(album, "title", "Title"), a)})
		return []plan.Output{rel(s, pt, "track", "Track", &plan.Select{Fields: append(as(track, "name", "Name"), al)})}
	}
	cases := []struct {
		name string
		sel  func() *plan.Select
		// want lists the expected items' ids in order.
		want string
		// cut is the SQL the cut must hold, on MariaDB.
		cut string
	}{
		{
			name: "playlist_tracks_cut",
			sel: func() *plan.Select {
				items := &plan.Select{Limit: 50, Fields: append(as(pt, "id", "TrackId"), deep()...)}
				return &plan.Select{Model: playlist, Single: true, Where: byID(playlist, 1),
					Fields: []plan.Output{rel(s, playlist, "items", "PlaylistTracks", items)}}
			},
			want: "SELECT `TrackId` FROM `PlaylistTrack` WHERE `PlaylistId` = 1 ORDER BY `TrackId` LIMIT 50",
			cut:  "AND t2.`TrackId` <= COALESCE((SELECT",
		},
		{
			name: "playlist_tracks_cut_page",
			sel: func() *plan.Select {
				items := &plan.Select{Limit: 20, Desc: true, After: []any{1, 3000},
					Where:  pred.Cmp{Column: col(pt, "TrackId"), Op: pred.Lt, Value: 2000},
					Fields: as(pt, "id", "TrackId"),
					Page:   &plan.Page{Marker: "m", ID: 0, Parent: []*schema.Field{field(playlist, "PlaylistId")}}}
				return &plan.Select{Model: playlist, Single: true, Where: byID(playlist, 1),
					Fields: []plan.Output{rel(s, playlist, "items", "PlaylistTracks", items)}}
			},
			want: "SELECT `TrackId` FROM `PlaylistTrack` WHERE `PlaylistId` = 1 AND `TrackId` < 2000 ORDER BY `TrackId` DESC LIMIT 20",
			cut:  "AND t2.`TrackId` >= COALESCE((SELECT",
		},
		{
			name: "genre_tracks_sorted_cut",
			sel: func() *plan.Select {
				items := &plan.Select{Limit: 50, Order: []plan.OrderKey{{Field: field(track, "MediaTypeId"), Desc: true}},
					Fields: as(track, "id", "TrackId")}
				return &plan.Select{Model: genre, Single: true, Where: byID(genre, 1),
					Fields: []plan.Output{rel(s, genre, "items", "Tracks", items)}}
			},
			want: "SELECT `TrackId` FROM `Track` WHERE `GenreId` = 1 ORDER BY `MediaTypeId` DESC, `TrackId` DESC LIMIT 50",
			cut:  "AND t2.`MediaTypeId` >= COALESCE((SELECT",
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			st, err := e.c.Select(tt.sel())
			if err != nil {
				t.Fatal(err)
			}
			goldenSQL(t, tt.name, e.c, st)
			other := otherFlavor(e.c)
			ost, err := other.Select(tt.sel())
			if err != nil {
				t.Fatal(err)
			}
			goldenSQL(t, tt.name, other, ost)
			mariadb := st.SQL
			if e.c.Flavor != FlavorMariaDB {
				mariadb = ost.SQL
			}
			if !strings.Contains(mariadb, tt.cut) {
				t.Errorf("no cut %q in\n%s", tt.cut, mariadb)
			}
			rows := query(t, e.sess, st)
			if len(rows) != 1 {
				t.Fatalf("rows = %q", rows)
			}
			var o struct {
				Items struct {
					Items []struct {
						ID    int `json:"id"`
						Track *struct {
							Name  string
							Album struct{ Artist struct{ Name string } }
						} `json:"track"`
					}
					NextToken []json.RawMessage
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(rows[0].obj), &o); err != nil {
				t.Fatalf("%v: %.300s", err, rows[0].obj)
			}
			var got []int
			for _, it := range o.Items.Items {
				got = append(got, it.ID)
				if it.Track != nil && (it.Track.Name == "" || it.Track.Album.Artist.Name == "") {
					t.Errorf("item %d lacks its track, album or artist: %+v", it.ID, it.Track)
				}
			}
			want := ids(t, e, tt.want)
			if len(want) < 20 || !slices.Equal(got, want) {
				t.Errorf("items %v\nwant  %v", got, want)
			}
			if o.Items.NextToken != nil {
				last := fmt.Sprintf("[1,%d]", want[len(want)-1])
				if len(o.Items.NextToken) != 4 || compact(t, string(o.Items.NextToken[3])) != last {
					t.Errorf("marker %s, want the last item's key %s", o.Items.NextToken, last)
				}
			}
		})
	}
}

// ids runs a query of one integer column.
func ids(t *testing.T, e *env, q string) []int {
	t.Helper()
	rows, err := e.sess.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
