package plan

import (
	"slices"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
)

// CollectFields is collect for other stages (introspection).
func CollectFields(set ast.SelectionSet, vars map[string]any) ([]*ast.Field, error) {
	return collect(set, vars)
}

// collect flattens a selection set: fragment spreads and inline fragments
// are expanded, @skip and @include applied, and fields with the same
// response key merged (their sub-selections joined).
func collect(set ast.SelectionSet, vars map[string]any) ([]*ast.Field, error) {
	var out []*ast.Field
	byKey := map[string]*ast.Field{}
	spread := map[string]bool{}
	var walk func(ast.SelectionSet) error
	walk = func(set ast.SelectionSet) error {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !included(s.Directives, vars) {
					continue
				}
				k := responseKey(s)
				if prev, ok := byKey[k]; ok {
					// prev is this function's copy, its selection set
					// too: appending in place keeps merging linear.
					prev.SelectionSet = append(prev.SelectionSet, s.SelectionSet...)
					continue
				}
				cp := *s
				cp.SelectionSet = slices.Clone(s.SelectionSet)
				byKey[k] = &cp
				out = append(out, &cp)
			case *ast.InlineFragment:
				if included(s.Directives, vars) {
					if err := walk(s.SelectionSet); err != nil {
						return err
					}
				}
			case *ast.FragmentSpread:
				// A fragment spread twice into one selection set adds
				// nothing the first spread did not.
				if included(s.Directives, vars) && s.Definition != nil && !spread[s.Name] {
					spread[s.Name] = true
					if err := walk(s.Definition.SelectionSet); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return out, walk(set)
}

func included(dirs ast.DirectiveList, vars map[string]any) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		v, _ := d.ArgumentMap(vars)["if"].(bool)
		if d.Name == "skip" && v || d.Name == "include" && !v {
			return false
		}
	}
	return true
}

// sortedKeys returns a map's keys in order, for deterministic plans.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
