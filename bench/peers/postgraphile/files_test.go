package postgraphile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/quarrydata/quarry/bench/peers/workload"
)

// queryFiles returns the query files of w: <Name>.graphql, and
// <Name>.v4.graphql when version 4 needs its own.
func queryFiles(w workload.Workload) ([]string, error) {
	files := []string{w.Name + ".graphql"}
	v4 := w.Name + ".v4.graphql"
	if _, err := os.Stat(v4); err == nil {
		files = append(files, v4)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("query file %s: %w", v4, err)
	}
	return files, nil
}

// postgraphileWorkloads are the workloads PostGraphile runs.
func postgraphileWorkloads() []workload.Workload {
	var out []workload.Workload
	for _, w := range workload.All() {
		if w.PostGraphile && !w.Rule {
			out = append(out, w)
		}
	}
	return out
}

// operation parses a document holding exactly one operation.
func operation(name, doc string) (*ast.OperationDefinition, error) {
	d, err := parser.ParseQuery(&ast.Source{Name: name, Input: doc})
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	if len(d.Operations) != 1 || len(d.Fragments) != 0 {
		return nil, fmt.Errorf("%s: want one operation and no fragment, have %d and %d", name, len(d.Operations), len(d.Fragments))
	}
	return d.Operations[0], nil
}

// variables renders an operation's variable definitions ("$id: Int!"):
// the driver sends Quarry's variables to PostGraphile unchanged.
func variables(op *ast.OperationDefinition) string {
	var vs []string
	for _, v := range op.VariableDefinitions {
		vs = append(vs, "$"+v.Variable+": "+v.Type.String())
	}
	return strings.Join(vs, ", ")
}

// leafFields lists the scalar fields an operation selects, in document
// order, with names folded (lower case, no underscores) so that Quarry's
// track_id and PostGraphile's trackId are the same: the answers' scalar
// leaves then come out in the same order.
func leafFields(set ast.SelectionSet, out []string) []string {
	for _, s := range set {
		f, ok := s.(*ast.Field)
		if !ok {
			continue // no fragments: operation() refuses them
		}
		if len(f.SelectionSet) == 0 {
			out = append(out, strings.ToLower(strings.ReplaceAll(f.Name, "_", "")))
			continue
		}
		out = leafFields(f.SelectionSet, out)
	}
	return out
}

// TestQueryFiles checks each PostGraphile document against Quarry's: one
// operation of the same kind, the same variables, and the same scalar
// fields in the same order.
func TestQueryFiles(t *testing.T) {
	ws := postgraphileWorkloads()
	if len(ws) == 0 {
		t.Fatal("no workload is marked PostGraphile")
	}
	for _, w := range ws {
		t.Run(w.Name, func(t *testing.T) {
			q, err := operation(w.Name+" (Quarry)", w.Quarry)
			if err != nil {
				t.Fatal(err)
			}
			files, err := queryFiles(w)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatalf("query file: %v", err)
				}
				p, err := operation(f, string(b))
				if err != nil {
					t.Fatal(err)
				}
				if p.Operation != q.Operation {
					t.Errorf("%s is a %s, Quarry's document a %s", f, p.Operation, q.Operation)
				}
				if got, want := variables(p), variables(q); got != want {
					t.Errorf("%s declares (%s), Quarry's document (%s)", f, got, want)
				}
				got := strings.Join(leafFields(p.SelectionSet, nil), " ")
				want := strings.Join(leafFields(q.SelectionSet, nil), " ")
				if got != want {
					t.Errorf("%s selects scalars\n  %s\nQuarry's document\n  %s", f, got, want)
				}
			}
		})
	}
}
