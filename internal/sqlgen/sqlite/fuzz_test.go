package sqlite

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/testdb"
)

// fuzzOps are the operators FuzzWhereMatchesEval picks from by a byte.
var fuzzOps = []pred.Op{pred.Eq, pred.Ne, pred.Lt, pred.Le, pred.Gt, pred.Ge, pred.BeginsWith, pred.Contains, pred.NotContains, pred.In, pred.NotIn, pred.Between}

// fuzzNames are the rows' text values besides the fuzzer's own two:
// GLOB and LIKE metacharacters, quotes, case and non-ASCII text.
var fuzzNames = []string{"", "a", "A", "ab", "b", "[", "]", "*", "?", "%", "_", "a*b", "a?b", "[a]", "'", `\`, "é", "É", "ß", "日本", "10", "9", "-1"}

// FuzzWhereMatchesEval checks that a comparison means the same in SQL on
// SQLite as in pred.Eval, which realtime uses to match events against
// subscription filters: a row a list returns is a row a subscription with
// the same filter is sent, and the other way round.
func FuzzWhereMatchesEval(f *testing.F) {
	for _, s := range []struct {
		op         byte
		v, w, x, y string
		n          int64
	}{
		{0, "a", "b", "ab", "abc", 1},
		{6, "a*", "a*b", "A", "a[", 2},
		{7, "[", "]", "x[y", "", -3},
		{8, "?", "a?", "%", "_x", 10},
		{2, "é", "e", "É", "f", 9007199254740993},
		{9, "10", "9", "010", "1e1", 0},
		{11, "a", "c", "b", "B", -1},
	} {
		f.Add(s.op, s.v, s.w, s.x, s.y, s.n)
	}
	db := testdb.New(f, testdb.SQLite)
	db.Exec(f, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER)")
	s := fuzzSchema(f, db)
	m := s.Model("t")
	if m == nil {
		f.Fatal("no model t")
	}
	sCol, nCol := m.Field("s").Column, m.Field("n").Column
	f.Fuzz(func(t *testing.T, op byte, v, w, x, y string, n int64) {
		// Text reaches a filter through JSON or a GraphQL string, both
		// UTF-8; a NUL is refused before SQL (see TestMatchingIs...).
		for _, str := range []string{v, w, x, y} {
			if !utf8.ValidString(str) || strings.ContainsRune(str, 0) || len(str) > 64 {
				return
			}
		}
		// The rows: fixed names, the fuzzer's x and y, a NULL, and
		// integers around n.
		db.Exec(t, "DELETE FROM t")
		rows := map[int64]map[string]any{}
		names := append(slices.Clone(fuzzNames), x, y)
		for i, name := range names {
			id := int64(i + 1)
			num := n + int64(i%3) - 1
			if _, err := db.SQL.Exec("INSERT INTO t (id, s, n) VALUES (?, ?, ?)", id, name, num); err != nil {
				t.Fatal(err)
			}
			rows[id] = map[string]any{sCol: name, nCol: json.Number(strconv.FormatInt(num, 10))}
		}
		nullID := int64(len(names) + 1)
		if _, err := db.SQL.Exec("INSERT INTO t (id) VALUES (?)", nullID); err != nil {
			t.Fatal(err)
		}
		rows[nullID] = map[string]any{sCol: nil, nCol: nil}

		o := fuzzOps[int(op)%len(fuzzOps)]
		var exprs []pred.Expr
		switch o {
		case pred.In, pred.NotIn:
			exprs = []pred.Expr{pred.Cmp{Column: sCol, Op: o, Values: []any{v, w}}, pred.Cmp{Column: nCol, Op: o, Values: []any{n, n + 1}}}
		case pred.Between:
			exprs = []pred.Expr{pred.Cmp{Column: sCol, Op: o, Values: []any{v, w}}, pred.Cmp{Column: nCol, Op: o, Values: []any{n - 1, n}}}
		case pred.BeginsWith, pred.Contains, pred.NotContains:
			exprs = []pred.Expr{pred.Cmp{Column: sCol, Op: o, Value: v}}
		default:
			exprs = []pred.Expr{pred.Cmp{Column: sCol, Op: o, Value: v}, pred.Cmp{Column: nCol, Op: o, Value: n}}
		}
		// Each alone, negated (AppSync's not keeps rows where the test is
		// unknown), and both joined.
		for _, e := range append(slices.Clone(exprs), pred.Not{X: exprs[0]}, pred.Or(exprs), pred.Not{X: pred.And(exprs)}) {
			st, err := Compiler{}.Select(&plan.Select{Model: m, Fields: []plan.Output{{Key: "id", Field: m.Field("id")}}, Where: e, Limit: 1000})
			if err != nil {
				t.Fatalf("%#v: %v", e, err)
			}
			got := ids(t, db, st)
			var want []int64
			for id, row := range rows {
				if pred.Eval(e, func(c string) (any, bool) { val, ok := row[c]; return val, ok }) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%#v\nSQL ids  %v\nEval ids %v\nrows %v\n%s", e, got, want, names, st.SQL)
			}
		}
	})
}

// fuzzSchema reads the database's models as the server does.
func fuzzSchema(f *testing.F, db *testdb.DB) *schema.Schema {
	f.Helper()
	cat, err := introspect.Read(context.Background(), db.SQL, introspect.EngineSQLite, introspect.Options{})
	if err != nil {
		f.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		f.Fatal(err)
	}
	return s
}

// ids runs a list statement and returns the rows' keys in order.
func ids(t *testing.T, db *testdb.DB, st sqlgen.Statement) []int64 {
	t.Helper()
	rows, err := db.SQL.Query(st.SQL, st.Args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, st.SQL)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var obj, key string
		if err := rows.Scan(&obj, &key); err != nil {
			t.Fatal(err)
		}
		var k []int64
		if err := json.Unmarshal([]byte(key), &k); err != nil || len(k) != 1 {
			t.Fatalf("key %q: %v", key, err)
		}
		out = append(out, k[0])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
