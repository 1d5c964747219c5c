package sqltest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// OrderFixture creates the tables OrderAndCount reads; every engine takes
// it as it is. score is nullable and repeats, so that sorting by it needs
// the NULL order and the key's tie-break.
const OrderFixture = `
CREATE TABLE item (id int NOT NULL PRIMARY KEY, grp int NOT NULL, score int);
CREATE TABLE part (id int NOT NULL PRIMARY KEY, item_id int NOT NULL REFERENCES item(id), n int);
INSERT INTO item (id, grp, score) VALUES (1, 1, 5), (2, 2, NULL), (3, 0, 3), (4, 1, 5), (5, 2, NULL), (6, 0, 1),
  (7, 1, 3), (8, 2, 5), (9, 0, NULL), (10, 1, 2), (11, 2, 1), (12, 0, 5);
INSERT INTO part (id, item_id, n) VALUES (1, 1, 2), (2, 1, NULL), (3, 1, 2), (4, 2, 1), (5, 4, NULL), (6, 1, 7);
`

// Compile compiles a Select for the dialect under test; Golden keeps its
// SQL under name (a dialect may check other flavors of it too).
type (
	Compile func(*plan.Select) (sqlgen.Statement, error)
	Golden  func(t *testing.T, name string, s *plan.Select, st sqlgen.Statement)
)

type orderItem struct {
	id, grp int
	score   *int
}

// OrderAndCount checks totalCount and sortBy on OrderFixture: the count
// row of a root list (with a filter, with an empty page, with a page
// position it must ignore), a nested totalCount, and paging by sortBy
// orders (nullable, mixed directions, one direction over NOT NULL
// columns) with Limit 2 visits every row once, in the order computed here
// with the engine's NULL order (nullsLarge).
func OrderAndCount(t *testing.T, q Querier, s *schema.Schema, nullsLarge bool, compile Compile, golden Golden) {
	item, part := s.Model("item"), s.Model("part")
	if item == nil || part == nil {
		t.Fatalf("the fixture's models are missing: %v", s.Models)
	}
	var parts string
	for _, r := range item.Relationships {
		if r.Kind == schema.HasMany && r.Target == part.Name {
			parts = r.Name
		}
	}
	f := func(name string) *schema.Field { return item.Field(name) }
	grp := pred.Cmp{Column: f("grp").Column, Op: pred.Eq, Value: int64(1)}
	run := func(t *testing.T, name string, sel *plan.Select) []string {
		t.Helper()
		st, err := compile(sel)
		if err != nil {
			t.Fatal(err)
		}
		if name != "" {
			golden(t, name, sel, st)
		}
		return Query(t, q, st)
	}

	counts := []struct {
		name  string
		sel   *plan.Select
		items int // the page's rows, the one past Limit included
		total string
	}{
		{"count_root", &plan.Select{Model: item, Limit: 2, Where: grp, Count: true}, 3, "4"},
		// The page position does not change the count.
		{"count_root_after", &plan.Select{Model: item, Limit: 2, Where: grp, Count: true, After: []any{int64(4)}}, 2, "4"},
		{"count_root_empty", &plan.Select{Model: item, Limit: 2, Where: pred.Cmp{Column: "id", Op: pred.Gt, Value: int64(100)}, Count: true}, 0, "0"},
		{"count_root_sorted", &plan.Select{Model: item, Limit: 3, Where: grp, Count: true,
			Order: []plan.OrderKey{{Field: f("score"), Desc: true}}}, 4, "4"},
	}
	for _, c := range counts {
		t.Run(c.name, func(t *testing.T) {
			c.sel.Fields = Fields(item, "id")
			rows := run(t, c.name, c.sel)
			var page, total []string
			for _, r := range rows {
				if n, ok := strings.CutPrefix(r, "null | null | "); ok {
					total = append(total, n)
				} else {
					page = append(page, r)
				}
			}
			if len(page) != c.items || !slices.Equal(total, []string{c.total}) {
				t.Errorf("rows %q: want %d items and one count row of %s", rows, c.items, c.total)
			}
		})
	}

	t.Run("count_nested", func(t *testing.T) {
		sel := &plan.Select{Limit: 1, Fields: Fields(part, "id")}
		o := Rel(s, item, "parts", parts, sel)
		o.Connection = append(o.Connection, plan.ConnKey{Key: "total", What: "totalCount"})
		rows := run(t, "count_nested", &plan.Select{Model: item, Single: true, Fields: []plan.Output{o},
			Where: pred.Cmp{Column: "id", Op: pred.Eq, Value: int64(1)}})
		if len(rows) != 1 || !strings.Contains(strings.ReplaceAll(rows[0], " ", ""), `"total":4`) {
			t.Errorf("rows %q: want one object with total 4", rows)
		}
	})

	// Item 1's parts by n descending, one per page, each page after the
	// key its marker carried: 6 (n 7), 3 and 1 (n 2, the key descending),
	// and 2 (NULL) first or last as the engine orders NULL.
	t.Run("sort_nested", func(t *testing.T) {
		want := []int{6, 3, 1, 2}
		if nullsLarge {
			want = []int{2, 6, 3, 1}
		}
		order := []plan.OrderKey{{Field: part.Field("n"), Desc: true}}
		var got []int
		var after []any
		for page := 0; page < 6; page++ {
			sel := &plan.Select{Limit: 1, Order: order, After: after, Fields: Fields(part, "id"),
				Page: &plan.Page{Marker: "m", ID: 0, Parent: []*schema.Field{item.Field("id")}}}
			name := ""
			if page == 1 {
				name = "sort_nested"
			}
			rows := run(t, name, &plan.Select{Model: item, Single: true, Fields: []plan.Output{Rel(s, item, "parts", parts, sel)},
				Where: pred.Cmp{Column: "id", Op: pred.Eq, Value: int64(1)}})
			var o struct {
				Parts struct {
					Items     []struct{ ID int }
					NextToken []json.RawMessage
				}
			}
			if len(rows) != 1 || json.Unmarshal([]byte(rows[0]), &o) != nil {
				t.Fatalf("rows %q", rows)
			}
			for _, it := range o.Parts.Items {
				got = append(got, it.ID)
			}
			if o.Parts.NextToken == nil {
				break
			}
			if len(o.Parts.NextToken) != 4 {
				t.Fatalf("marker %s", o.Parts.NextToken)
			}
			after = keyValues(t, string(o.Parts.NextToken[3]))
		}
		if !slices.Equal(got, want) {
			t.Errorf("nested pages visit %v, want %v", got, want)
		}
	})

	rows := []orderItem{}
	for _, r := range run(t, "", &plan.Select{Model: item, Fields: Fields(item, "id", "grp", "score")}) {
		var o struct {
			ID, Grp int
			Score   *int
		}
		obj, _, _ := strings.Cut(r, " | ")
		if err := json.Unmarshal([]byte(obj), &o); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, orderItem{o.ID, o.Grp, o.Score})
	}
	sorts := []struct {
		name  string
		order []plan.OrderKey
	}{
		{"sort_nullable_desc", []plan.OrderKey{{Field: f("score"), Desc: true}}},
		{"sort_nullable_asc", []plan.OrderKey{{Field: f("score")}}},
		{"sort_mixed", []plan.OrderKey{{Field: f("grp")}, {Field: f("score"), Desc: true}}},
		{"sort_mixed_nullable_first", []plan.OrderKey{{Field: f("score")}, {Field: f("grp"), Desc: true}}},
		// NOT NULL keys in one direction: the row comparison.
		{"sort_not_null", []plan.OrderKey{{Field: f("grp"), Desc: true}}},
	}
	for _, c := range sorts {
		t.Run(c.name, func(t *testing.T) {
			want := expectedOrder(rows, c.order, nullsLarge)
			var got []int
			var after []any
			for page := 0; page < 20; page++ {
				sel := &plan.Select{Model: item, Limit: 2, Order: c.order, After: after, Fields: Fields(item, "id")}
				name := ""
				if page == 1 {
					name = c.name
				}
				out := run(t, name, sel)
				for i, r := range out[:min(2, len(out))] {
					obj, key, _ := strings.Cut(r, " | ")
					var o struct{ ID int }
					if err := json.Unmarshal([]byte(obj), &o); err != nil {
						t.Fatal(err)
					}
					got = append(got, o.ID)
					if i == 1 {
						after = keyValues(t, key)
					}
				}
				if len(out) <= 2 {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages visit %v, want %v", got, want)
			}
		})
	}
	// A page starting after a row whose sort value is NULL.
	t.Run("sort_after_null", func(t *testing.T) {
		sel := &plan.Select{Model: item, Limit: 20, Order: []plan.OrderKey{{Field: f("score"), Desc: true}},
			After: []any{nil, int64(5)}, Fields: Fields(item, "id")}
		out := run(t, "sort_after_null", sel)
		want := expectedOrder(rows, sel.Order, nullsLarge)
		at := slices.Index(want, 5)
		var got []int
		for _, r := range out {
			obj, _, _ := strings.Cut(r, " | ")
			var o struct{ ID int }
			_ = json.Unmarshal([]byte(obj), &o)
			got = append(got, o.ID)
		}
		if !slices.Equal(got, want[at+1:]) {
			t.Errorf("after (NULL, 5): %v, want %v", got, want[at+1:])
		}
	})
}

// keyValues reads a row's key array as the planner would bind it.
func keyValues(t *testing.T, key string) []any {
	dec := json.NewDecoder(bytes.NewReader([]byte(key)))
	dec.UseNumber()
	var vals []any
	if err := dec.Decode(&vals); err != nil {
		t.Fatalf("key %q: %v", key, err)
	}
	for i, v := range vals {
		if n, ok := v.(json.Number); ok {
			x, err := n.Int64()
			if err != nil {
				t.Fatal(err)
			}
			vals[i] = x
		}
	}
	return vals
}

// expectedOrder sorts rows' ids by order and the key (id) in the last
// key's direction, NULL placed as the engine places it.
func expectedOrder(rows []orderItem, order []plan.OrderKey, nullsLarge bool) []int {
	value := func(r orderItem, name string) *int {
		switch name {
		case "grp":
			return &r.grp
		case "score":
			return r.score
		}
		return &r.id
	}
	keys := append(slices.Clone(order), plan.OrderKey{Field: &schema.Field{Name: "id"}, Desc: order[len(order)-1].Desc})
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b orderItem) int {
		for _, k := range keys {
			x, y := value(a, k.Field.Name), value(b, k.Field.Name)
			c := 0
			switch {
			case x == nil && y == nil:
			case x == nil, y == nil:
				// x is NULL: larger than y when NULLs are large.
				c = 1
				if (x == nil) != nullsLarge {
					c = -1
				}
			default:
				c = *x - *y
			}
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	ids := make([]int, len(sorted))
	for i, r := range sorted {
		ids[i] = r.id
	}
	return ids
}
