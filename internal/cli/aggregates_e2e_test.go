package cli

// Aggregates end to end, on every engine, through the sandbox over HTTP:
// aggregateFilm's count, sum, avg, min and max equal the same computed
// here from the rows (numbers, a decimal, a date, a date-time and text),
// under a filter and under an owner rule; a field rule refuses its
// aggregate; groupBy forms groups in key order and refuses more than its
// limit; a hasMany's aggregate and a root list's aggregate count what
// their connections let through.

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

var aggFixture = map[string]string{
	testdb.Postgres: `
CREATE TABLE film (id int PRIMARY KEY, owner text, rating text NOT NULL, length int, price numeric(6,2), released date, added timestamptz, title text NOT NULL, cost int);
CREATE TABLE scene (id int PRIMARY KEY, film_id int NOT NULL REFERENCES film(id), seconds int NOT NULL);`,
	testdb.MySQL: `
CREATE TABLE film (id INT PRIMARY KEY, owner VARCHAR(200), rating VARCHAR(10) NOT NULL, length INT, price DECIMAL(6,2), released DATE, added DATETIME(3), title VARCHAR(100) NOT NULL, cost INT);
CREATE TABLE scene (id INT PRIMARY KEY, film_id INT NOT NULL, seconds INT NOT NULL, FOREIGN KEY (film_id) REFERENCES film(id));`,
	testdb.SQLite: `
CREATE TABLE film (id INTEGER PRIMARY KEY, owner TEXT, rating TEXT NOT NULL, length INTEGER, price REAL, released DATE, added DATETIME, title TEXT NOT NULL, cost INTEGER);
CREATE TABLE scene (id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL REFERENCES film(id), seconds INTEGER NOT NULL);`,
}

// aggRules: owners do everything with their films, API keys read all;
// cost is the Admin group's alone.
const aggRules = `
extend schema @authorizationModes(
  defaultAuthorizationMode: apiKey,
  apiKeyAuthorizationMode: {expiresInDays: 30},
  lambdaAuthorizationMode: {url: "%s", timeToLiveInSeconds: 0})

extend type film @auth(rules: [{allow: owner}, {allow: public, provider: apiKey, operations: [read]}])
extend type film {
  cost: Int @auth(rules: [{allow: groups, groups: ["Admin"]}])
}
extend type scene @auth(rules: [{allow: public, provider: apiKey, operations: [read]}])
`

// aggFilm is one row of the fixture; nil pointers are NULL.
type aggFilm struct {
	id            int
	who, rating   string
	length        *int
	price         float64
	released      string
	added         *string
	title         string
	scenesSeconds []int
}

func aggFilms() []aggFilm {
	var out []aggFilm
	for id := 1; id <= 8; id++ {
		f := aggFilm{id: id, who: []string{"bob", "alice"}[id%2], rating: []string{"G", "PG", "R"}[id%3],
			price: float64(id) * 1.25, released: fmt.Sprintf("2020-0%d-1%d", 9-id, id), title: fmt.Sprintf("t%d", (id*5)%8)}
		if id != 4 {
			n := id * 10
			f.length = &n
		}
		if id != 8 {
			a := fmt.Sprintf("2024-03-0%dT10:00:0%d.000Z", id, id)
			f.added = &a
		}
		for s := 0; s < id%3; s++ {
			f.scenesSeconds = append(f.scenesSeconds, 30*(s+id))
		}
		out = append(out, f)
	}
	return out
}

// aggOf computes what aggregateFilm returns over films.
func aggOf(films []aggFilm) map[string]any {
	var sumLen, nLen, sumPrice float64
	var minLen, maxLen any
	minS := map[string]any{}
	maxS := map[string]any{}
	bound := func(k, v string) {
		if cur, ok := minS[k].(string); !ok || v < cur {
			minS[k] = v
		}
		if cur, ok := maxS[k].(string); !ok || v > cur {
			maxS[k] = v
		}
	}
	for _, f := range films {
		if f.length != nil {
			l := float64(*f.length)
			sumLen += l
			nLen++
			if minLen == nil || l < minLen.(float64) {
				minLen = l
			}
			if maxLen == nil || l > maxLen.(float64) {
				maxLen = l
			}
		}
		sumPrice += f.price
		bound("released", f.released)
		bound("title", f.title)
		if f.added != nil {
			bound("added", *f.added)
		}
	}
	n := float64(len(films))
	return map[string]any{
		"count": n,
		"sum":   map[string]any{"length": sumLen, "price": sumPrice},
		"avg":   map[string]any{"length": sumLen / nLen, "price": sumPrice / n},
		"min":   map[string]any{"length": minLen, "released": minS["released"], "added": minS["added"], "title": minS["title"]},
		"max":   map[string]any{"length": maxLen, "released": maxS["released"], "added": maxS["added"], "title": maxS["title"]},
	}
}

// near compares decoded JSON, numbers to 1e-9 (an average's last digit
// differs between engines).
func near(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Abs(x-y) < 1e-9
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !near(v, y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !near(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestAggregates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, aggFixture[db.Engine])
		films := aggFilms()
		var rows, scenes []string
		for _, f := range films {
			length, added := "NULL", "NULL"
			if f.length != nil {
				length = fmt.Sprint(*f.length)
			}
			if f.added != nil {
				// As each engine takes a literal: no T, no Z.
				added = "'" + strings.NewReplacer("T", " ", "Z", "").Replace(*f.added) + "'"
			}
			rows = append(rows, fmt.Sprintf("(%d, '%s', '%s', %s, %.2f, '%s', %s, '%s', %d)",
				f.id, owner(f.who), f.rating, length, f.price, f.released, added, f.title, f.id*100))
			for _, s := range f.scenesSeconds {
				scenes = append(scenes, fmt.Sprintf("(%d, %d, %d)", len(scenes)+1, f.id, s))
			}
		}
		db.Exec(t, "INSERT INTO film (id, owner, rating, length, price, released, added, title, cost) VALUES "+strings.Join(rows, ", ")+";\n"+
			"INSERT INTO scene (id, film_id, seconds) VALUES "+strings.Join(scenes, ", ")+";")
		a := startAuthzWith(t, db, aggRules, map[string][]string{"alice": {"--user", "alice"}})

		const all = `count sum { length price } avg { length price } min { length released added title } max { length released added title }`
		where := func(keep func(aggFilm) bool) map[string]any {
			var out []aggFilm
			for _, f := range films {
				if keep(f) {
					out = append(out, f)
				}
			}
			return aggOf(out)
		}
		cases := []struct {
			name, who, query string
			want             map[string]any
		}{
			{"every row", "key", `{ aggregateFilm { ` + all + ` } }`, aggOf(films)},
			{"filter", "key", `{ aggregateFilm(filter: {rating: {eq: "PG"}}) { ` + all + ` } }`,
				where(func(f aggFilm) bool { return f.rating == "PG" })},
			{"owner rule: alice's films only", "alice", `{ aggregateFilm { ` + all + ` } }`,
				where(func(f aggFilm) bool { return f.who == "alice" })},
			{"no row", "key", `{ aggregateFilm(filter: {id: {gt: 100}}) { count sum { length } max { added } } }`,
				map[string]any{"count": 0.0, "sum": map[string]any{"length": nil}, "max": map[string]any{"added": nil}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a.call(t, c.who, c.query)
				if len(r.errs) > 0 {
					t.Fatalf("errors: %+v", r.errs)
				}
				if got := r.data["aggregateFilm"]; !near(got, c.want) {
					t.Errorf("got  %v\nwant %v", got, c.want)
				}
			})
		}

		t.Run("a field rule forbids its aggregate", func(t *testing.T) {
			r := a.call(t, "key", `{ aggregateFilm { sum { cost } } }`)
			if len(r.errs) != 1 || !strings.Contains(r.errs[0].Message, "film.cost") || r.data["aggregateFilm"] != nil {
				t.Errorf("aggregating cost: %+v", r)
			}
		})

		t.Run("groupBy", func(t *testing.T) {
			r := a.call(t, "key", `{ aggregateFilm(groupBy: [rating]) { count groups { key { rating title } count sum { length } max { added } } } }`)
			if len(r.errs) > 0 {
				t.Fatalf("errors: %+v", r.errs)
			}
			var want []any
			for _, rating := range []string{"G", "PG", "R"} {
				g := where(func(f aggFilm) bool { return f.rating == rating })
				want = append(want, map[string]any{"key": map[string]any{"rating": rating, "title": nil}, "count": g["count"],
					"sum": map[string]any{"length": g["sum"].(map[string]any)["length"]}, "max": map[string]any{"added": g["max"].(map[string]any)["added"]}})
			}
			got := r.data["aggregateFilm"].(map[string]any)
			if !near(got["groups"], want) || got["count"] != 8.0 {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})

		t.Run("more groups than the limit", func(t *testing.T) {
			r := a.call(t, "key", `{ aggregateFilm(groupBy: [id], limit: 3) { groups { count } } }`)
			if len(r.errs) != 1 || !strings.Contains(r.errs[0].Message, "more than 3 groups") {
				t.Errorf("8 groups under limit 3: %+v", r)
			}
		})

		t.Run("nested and list aggregates", func(t *testing.T) {
			r := a.call(t, "key", `{ getFilm(id: 5) { scenes(filter: {seconds: {gt: 150}}, limit: 1) { items { id } aggregate { count sum { seconds } } } }
  listFilms(filter: {id: {le: 3}}, limit: 1) { items { id scenes { aggregate { count min { seconds } } } } aggregate { count max { length } } } }`)
			if len(r.errs) > 0 {
				t.Fatalf("errors: %+v", r.errs)
			}
			// Film 5 has scenes of 150 and 180 seconds.
			scenes := r.data["getFilm"].(map[string]any)["scenes"].(map[string]any)
			if want := map[string]any{"count": 1.0, "sum": map[string]any{"seconds": 180.0}}; !near(scenes["aggregate"], want) {
				t.Errorf("film 5's scenes over 150s: %v, want %v", scenes["aggregate"], want)
			}
			list := r.data["listFilms"].(map[string]any)
			if want := map[string]any{"count": 3.0, "max": map[string]any{"length": 30.0}}; !near(list["aggregate"], want) {
				t.Errorf("listFilms aggregate: %v, want %v", list["aggregate"], want)
			}
			// Film 1 has one scene of 30 seconds.
			item := list["items"].([]any)[0].(map[string]any)
			if want := map[string]any{"count": 1.0, "min": map[string]any{"seconds": 30.0}}; !near(item["scenes"].(map[string]any)["aggregate"], want) {
				t.Errorf("film 1's scenes: %v, want %v", item["scenes"], want)
			}
		})

		t.Run("rows the caller may not read are not aggregated", func(t *testing.T) {
			// Alice lists her 4 films; scenes are for API keys alone, so
			// hers aggregate no scene, as her pages list none.
			r := a.call(t, "alice", `{ listFilms { items { scenes { items { id } aggregate { count } } } aggregate { count } } }`)
			if len(r.errs) > 0 {
				t.Fatalf("errors: %+v", r.errs)
			}
			list := r.data["listFilms"].(map[string]any)
			if n := list["aggregate"].(map[string]any)["count"]; n != 4.0 {
				t.Errorf("alice's listFilms aggregate count %v, want 4", n)
			}
			for _, it := range list["items"].([]any) {
				if sc := it.(map[string]any)["scenes"].(map[string]any); sc["aggregate"].(map[string]any)["count"] != 0.0 || len(sc["items"].([]any)) != 0 {
					t.Errorf("alice sees scenes: %v", sc)
				}
			}
		})
	})
}
