package sqltest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// CompileAggregate compiles an aggregateX plan for the dialect under test;
// AggGolden keeps the SQL compiled from a (or, for a nested aggregate, sel)
// under name.
type (
	CompileAggregate func(*plan.Aggregate) (sqlgen.Statement, error)
	AggGolden        func(t *testing.T, name string, a *plan.Aggregate, sel *plan.Select, st sqlgen.Statement)
)

// Aggregates checks aggregate statements on OrderFixture, each against
// values worked out by hand from the fixture's rows: totals over a filter,
// totals over no row (count 0, the rest null), groups in key order with
// the number of groups read, and a hasMany's aggregate beside its parent.
// Results compare as decoded JSON, so 3.75 and 3.7500 agree.
func Aggregates(t *testing.T, q Querier, s *schema.Schema, compile CompileAggregate, compileSelect Compile, golden AggGolden) {
	item, part := s.Model("item"), s.Model("part")
	if item == nil || part == nil {
		t.Fatalf("the fixture's models are missing: %v", s.Models)
	}
	score := item.Field("score")
	stats := func(f *schema.Field) []plan.AggOutput {
		var out []plan.AggOutput
		for _, fn := range []string{plan.AggSum, plan.AggAvg, plan.AggMin, plan.AggMax} {
			out = append(out, plan.AggOutput{Key: fn, What: fn, Fields: []plan.AggField{{Key: f.Name, Field: f}}})
		}
		return out
	}
	totals := append([]plan.AggOutput{{Key: "count", What: plan.AggCount}}, stats(score)...)
	grp := pred.Cmp{Column: item.Field("grp").Column, Op: pred.Eq, Value: int64(1)}
	group := append([]plan.AggOutput{
		{Key: "key", What: plan.AggKey, Fields: []plan.AggField{{Key: "grp", Field: item.Field("grp")}, {Key: "score", Field: score}}},
		{Key: "n", What: plan.AggCount},
	}, stats(score)[0])
	cases := []struct {
		name   string
		agg    *plan.Aggregate
		want   string
		groups string // the second column
	}{
		// grp 1: scores 5, 5, 3, 2.
		{"aggregate_root", &plan.Aggregate{Model: item, Where: grp, Outputs: totals},
			`{"count":4,"sum":{"score":15},"avg":{"score":3.75},"min":{"score":2},"max":{"score":5}}`, "null"},
		{"aggregate_empty", &plan.Aggregate{Model: item, Where: pred.Cmp{Column: "id", Op: pred.Gt, Value: int64(100)}, Outputs: totals},
			`{"count":0,"sum":{"score":null},"avg":{"score":null},"min":{"score":null},"max":{"score":null}}`, "null"},
		// Groups by grp: 0 has 3, 1, NULL, 5; 1 has 5, 5, 3, 2; 2 has NULL, NULL, 5, 1.
		{"aggregate_groups", &plan.Aggregate{Model: item, GroupBy: []*schema.Field{item.Field("grp")}, Limit: 10,
			Outputs: []plan.AggOutput{{Key: "__typename", What: plan.AggTypename, Typename: "ModelItemAggregate"},
				{Key: "count", What: plan.AggCount}, {Key: "groups", What: plan.AggGroups, Group: group}, stats(score)[3]}},
			`{"__typename":"ModelItemAggregate","count":12,"groups":[` +
				`{"key":{"grp":0,"score":null},"n":4,"sum":{"score":9}},` +
				`{"key":{"grp":1,"score":null},"n":4,"sum":{"score":15}},` +
				`{"key":{"grp":2,"score":null},"n":4,"sum":{"score":6}}],"max":{"score":5}}`, "3"},
		// One more group than the limit is read, no more.
		{"aggregate_groups_over", &plan.Aggregate{Model: item, GroupBy: []*schema.Field{item.Field("grp"), score}, Limit: 2, Where: grp,
			Outputs: []plan.AggOutput{{Key: "groups", What: plan.AggGroups, Group: group[:2]}}},
			`{"groups":[{"key":{"grp":1,"score":2},"n":1},{"key":{"grp":1,"score":3},"n":1},{"key":{"grp":1,"score":5},"n":2}]}`, "3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := compile(c.agg)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, c.agg, nil, st)
			rows := Query(t, q, st)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1: %q", len(rows), rows)
			}
			obj, n := splitRow(t, rows[0])
			sameJSON(t, obj, c.want)
			if n != c.groups {
				t.Errorf("group count %s, want %s", n, c.groups)
			}
		})
	}

	t.Run("aggregate_nested", func(t *testing.T) {
		// Item 1's parts: n is 2, NULL, 2, 7.
		var parts string
		for _, r := range item.Relationships {
			if r.Kind == schema.HasMany && r.Target == part.Name {
				parts = r.Name
			}
		}
		rel := Rel(s, item, "parts", parts, &plan.Select{})
		n := part.Field("n")
		rel.Connection = []plan.ConnKey{{Key: "agg", What: "aggregate", Aggregate: &plan.Aggregate{Model: part, Outputs: []plan.AggOutput{
			{Key: "count", What: plan.AggCount}, {Key: "sum", What: plan.AggSum, Fields: []plan.AggField{{Key: "n", Field: n}, {Key: "__typename", Typename: "ModelPartAggregateSums"}}},
			{Key: "max", What: plan.AggMax, Fields: []plan.AggField{{Key: "n", Field: n}}},
			{Key: "groups", What: plan.AggGroups}}}}}
		// The nested rows' filter applies to the aggregate too.
		filtered := Rel(s, item, "parts", parts, &plan.Select{Where: pred.Cmp{Column: n.Column, Op: pred.Lt, Value: int64(5)}})
		filtered.Key = "small"
		filtered.Connection = []plan.ConnKey{{Key: "agg", What: "aggregate", Aggregate: &plan.Aggregate{Model: part, Outputs: []plan.AggOutput{{Key: "count", What: plan.AggCount}}}}}
		sel := &plan.Select{Model: item, Single: true, Where: pred.Cmp{Column: "id", Op: pred.Eq, Value: int64(1)},
			Fields: append(Fields(item, "id"), rel, filtered)}
		st, err := compileSelect(sel)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "aggregate_nested", nil, sel, st)
		rows := Query(t, q, st)
		if len(rows) != 1 {
			t.Fatalf("%d rows, want 1: %q", len(rows), rows)
		}
		sameJSON(t, rows[0], `{"id":1,"parts":{"agg":{"count":4,"sum":{"n":11,"__typename":"ModelPartAggregateSums"},"max":{"n":7},"groups":[]}},"small":{"agg":{"count":2}}}`)
	})
}

// splitRow splits a row Query joined into the object and the second column.
func splitRow(t *testing.T, row string) (string, string) {
	t.Helper()
	for i := len(row) - 1; i >= 2; i-- {
		if row[i-2:i+1] == " | " {
			return row[:i-2], row[i+1:]
		}
	}
	t.Fatalf("no second column in %q", row)
	return "", ""
}

// sameJSON compares JSON texts as values (numbers as float64).
func sameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
