package pipeline

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/quarrydata/quarry/internal/qerr"
)

// Limits bound the work a document may cost before it is planned. Any
// document under the body limit is parsed, counted and checked in time
// linear in its size, and refused with the limit's name when it is over.
type Limits struct {
	// MaxTokens bounds the lexer's tokens (--max-tokens).
	MaxTokens int
	// MaxOperations bounds the operations in one document (--max-operations).
	MaxOperations int
	// MaxAliases bounds the aliased fields in one document (--max-aliases).
	MaxAliases int
	// MaxExpandedFields bounds the fields the document selects once every
	// fragment is expanded where it is used (--max-expanded-fields).
	MaxExpandedFields int
	// MaxResponseRows and MaxResponseBytes bound what one request reads
	// from the database, checked as rows arrive (--max-response-rows,
	// --max-response-bytes).
	MaxResponseRows  int
	MaxResponseBytes int
}

// Defaults for Limits.
const (
	DefaultMaxTokens         = 20000
	DefaultMaxOperations     = 10
	DefaultMaxAliases        = 100
	DefaultMaxExpandedFields = 20000
	DefaultMaxResponseRows   = 100000
	DefaultMaxResponseBytes  = 10 << 20
)

// WithDefaults fills zero limits with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxOperations <= 0 {
		l.MaxOperations = DefaultMaxOperations
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = DefaultMaxAliases
	}
	if l.MaxExpandedFields <= 0 {
		l.MaxExpandedFields = DefaultMaxExpandedFields
	}
	if l.MaxResponseRows <= 0 {
		l.MaxResponseRows = DefaultMaxResponseRows
	}
	if l.MaxResponseBytes <= 0 {
		l.MaxResponseBytes = DefaultMaxResponseBytes
	}
	return l
}

// load parses and validates query within the limits. Its error is a
// gqlerror.List for a document that is not valid GraphQL for the schema,
// a *qerr.Error (TooLarge) for one over a limit. gqlparser's own
// check that fields of one response name can merge compares every pair of
// them, so 20,000 copies of one alias cost minutes; it is replaced by
// mergeable, which is linear and stops at MaxExpandedFields.
func (l Limits) load(schema *ast.Schema, query string) (*ast.QueryDocument, error) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, l.MaxTokens)
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) && ge.Message == fmt.Sprintf("exceeded token limit of %d", l.MaxTokens) {
			return nil, tooLarge("the document has more than %d tokens (limit --max-tokens)", l.MaxTokens)
		}
		if errors.As(err, &ge) {
			return nil, gqlerror.List{ge}
		}
		return nil, gqlerror.List{gqlerror.Wrap(err)}
	}
	if n := len(doc.Operations); n > l.MaxOperations {
		return nil, tooLarge("the document has %d operations; at most %d are allowed (limit --max-operations)", n, l.MaxOperations)
	}
	aliases := 0
	for _, op := range doc.Operations {
		aliases += countAliases(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		aliases += countAliases(f.SelectionSet)
	}
	if aliases > l.MaxAliases {
		return nil, tooLarge("the document has %d aliases; at most %d are allowed (limit --max-aliases)", aliases, l.MaxAliases)
	}
	r := rules.NewDefaultRules()
	r.RemoveRule(rules.OverlappingFieldsCanBeMergedRule.Name)
	if errs := validator.ValidateWithRules(schema, doc, r); len(errs) > 0 {
		return nil, errs
	}
	m := &merger{budget: l.MaxExpandedFields, limit: l.MaxExpandedFields}
	for _, op := range doc.Operations {
		if err := m.mergeable(op.SelectionSet); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

func tooLarge(format string, args ...any) error {
	return qerr.New(qerr.TooLarge, fmt.Sprintf(format, args...))
}

// countAliases counts aliased fields as written (fragments once).
func countAliases(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				n++
			}
			n += countAliases(s.SelectionSet)
		case *ast.InlineFragment:
			n += countAliases(s.SelectionSet)
		}
	}
	return n
}

// merger checks that the fields one selection set asks for under the
// same response name are the same field with the same arguments, and that
// their sub-selections merge too (the specification's "field selection
// merging"). Quarry's API has only object types, so the fields of one
// selection set share their parent type and the check needs no pairs:
// each field is compared with the first of its name, and the
// sub-selections of a name are merged and checked once. Every selection
// visited (fragments expanded where they are used, a spread skipped as
// already seen included) and every argument value compared costs one unit
// of budget, so the work is bounded whatever the document's shape.
type merger struct {
	budget, limit int
}

func (m *merger) charge() error {
	if m.budget--; m.budget < 0 {
		return tooLarge("the document selects more than %d fields once its fragments are expanded (limit --max-expanded-fields)", m.limit)
	}
	return nil
}

func (m *merger) mergeable(set ast.SelectionSet) error {
	var names []string
	groups := map[string][]*ast.Field{}
	seen := map[string]bool{}
	var gather func(ast.SelectionSet) error
	gather = func(set ast.SelectionSet) error {
		for _, sel := range set {
			if err := m.charge(); err != nil {
				return err
			}
			switch s := sel.(type) {
			case *ast.Field:
				k := s.Alias
				if k == "" {
					k = s.Name
				}
				if _, ok := groups[k]; !ok {
					names = append(names, k)
				}
				groups[k] = append(groups[k], s)
			case *ast.InlineFragment:
				if err := gather(s.SelectionSet); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				// A fragment spread twice into one selection set adds
				// nothing the first spread did not.
				if s.Definition == nil || seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if err := gather(s.Definition.SelectionSet); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := gather(set); err != nil {
		return err
	}
	for _, k := range names {
		fields := groups[k]
		first := fields[0]
		var sub ast.SelectionSet
		for _, f := range fields {
			if f.Name != first.Name {
				return conflict(k, f, fmt.Sprintf("%q and %q are different fields", first.Name, f.Name))
			}
			if len(fields) > 1 {
				same, err := m.sameArguments(first.Arguments, f.Arguments)
				if err != nil {
					return err
				}
				if !same {
					return conflict(k, f, "they have differing arguments")
				}
			}
			sub = append(sub, f.SelectionSet...)
		}
		if len(sub) > 0 {
			if err := m.mergeable(sub); err != nil {
				return err
			}
		}
	}
	return nil
}

func conflict(key string, f *ast.Field, why string) error {
	err := gqlerror.ErrorPosf(f.Position, "Fields %q conflict because %s. Use different aliases on the fields to fetch both if this was intentional.", key, why)
	err.Rule = rules.OverlappingFieldsCanBeMergedRule.Name
	return gqlerror.List{err}
}

// sameArguments reports whether two argument lists are the same, in any
// order.
func (m *merger) sameArguments(a, b ast.ArgumentList) (bool, error) {
	if len(a) != len(b) {
		return false, nil
	}
	for _, x := range a {
		y := b.ForName(x.Name)
		if y == nil {
			return false, nil
		}
		if same, err := m.sameValue(x.Value, y.Value); err != nil || !same {
			return false, err
		}
	}
	return true, nil
}

// sameValue compares two argument values; an input object's fields in any
// order, a list's items in order.
func (m *merger) sameValue(a, b *ast.Value) (bool, error) {
	if err := m.charge(); err != nil {
		return false, err
	}
	if a == nil || b == nil {
		return a == b, nil
	}
	if a.Kind != b.Kind || a.Raw != b.Raw || len(a.Children) != len(b.Children) {
		return false, nil
	}
	if a.Kind == ast.ObjectValue {
		byName := make(map[string]*ast.Value, len(b.Children))
		for _, d := range b.Children {
			byName[d.Name] = d.Value
		}
		for _, c := range a.Children {
			v, ok := byName[c.Name]
			if !ok {
				return false, nil
			}
			if same, err := m.sameValue(c.Value, v); err != nil || !same {
				return false, err
			}
		}
		return true, nil
	}
	for i, c := range a.Children {
		if c.Name != b.Children[i].Name {
			return false, nil
		}
		if same, err := m.sameValue(c.Value, b.Children[i].Value); err != nil || !same {
			return false, err
		}
	}
	return true, nil
}
