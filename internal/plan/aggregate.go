package plan

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// Aggregate computes one ModelXAggregate object over the rows of Model
// that Where lets through: the aggregateX root field, or (Where left nil,
// the rows given by the Select it hangs from) a connection's aggregate.
type Aggregate struct {
	Model *schema.Model
	// Where is the filter with the caller's list rule ANDed in.
	Where pred.Expr
	// GroupBy lists the fields groups are formed and ordered by; empty,
	// groups is the empty list.
	GroupBy []*schema.Field
	// Limit is the most groups the caller expects; the statement reads one
	// more so that the pipeline can refuse a result that would be cut.
	Limit int
	// Outputs are the keys of the result object, in the query's order.
	Outputs []AggOutput
}

// Aggregate outputs: what an AggOutput computes.
const (
	AggCount    = "count"
	AggSum      = "sum"
	AggAvg      = "avg"
	AggMin      = "min"
	AggMax      = "max"
	AggGroups   = "groups"
	AggKey      = "key"
	AggTypename = "__typename"
)

// AggOutput is one key of an aggregate object (or of one group's).
type AggOutput struct {
	Key  string
	What string // one of the Agg* constants
	// Typename is the constant of a __typename.
	Typename string
	// Fields are the keys of sum, avg, min, max and key objects.
	Fields []AggField
	// Group are the keys of each group's object, for groups.
	Group []AggOutput
}

// AggField is one key of a sum, avg, min, max or key object: a field's
// value, or a constant __typename (Field nil).
type AggField struct {
	Key      string
	Field    *schema.Field
	Typename string
}

// aggregateRoot plans aggregateX(filter, groupBy, limit).
func (b *Builder) aggregateRoot(m *schema.Model, f *ast.Field, args, vars map[string]any) (*Aggregate, error) {
	d := b.Policy.Model(m, b.id, authz.List)
	if !d.Allowed {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Query"))
	}
	where, err := b.filter(m, args["filter"], "filter")
	if err != nil {
		return nil, err
	}
	a := &Aggregate{Model: m, Where: pred.Conj(where, d.Filter)}
	if a.Limit, err = b.Limits.pageLimit(args); err != nil {
		return nil, err
	}
	if a.GroupBy, err = b.groupBy(m, args["groupBy"], f.Name); err != nil {
		return nil, err
	}
	if a.Outputs, err = b.aggOutputs(m, f.SelectionSet, vars, f.Name, true); err != nil {
		return nil, err
	}
	return a, nil
}

// groupBy reads groupBy: each field once, one the caller may read on
// every row (a group's key shows the value).
func (b *Builder) groupBy(m *schema.Model, arg any, path string) ([]*schema.Field, error) {
	list, _ := arg.([]any)
	var out []*schema.Field
	for i, v := range list {
		name, _ := v.(string)
		f := m.Field(name)
		if f == nil || !api.Groupable(f) {
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s.groupBy[%d]: %s cannot be grouped by %q", path, i, m.Name, name))
		}
		for _, g := range out {
			if g == f {
				return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s.groupBy[%d]: %s is already a group field", path, i, name))
			}
		}
		if err := b.aggReadable(m, f, path); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// aggReadable refuses to aggregate or group by a field the caller may
// not read on every row: a sum or a bound tells what the values are. A
// field readable on some rows only (a row-level field rule) is refused
// too, rather than aggregated over those rows alone, which would make
// count and the field's sum speak of different rows.
func (b *Builder) aggReadable(m *schema.Model, f *schema.Field, path string) error {
	if b.Policy.Field(m, f, b.id, authz.List).Visible() {
		return nil
	}
	return qerr.New(qerr.Forbidden, fmt.Sprintf("%s: you may not aggregate %s.%s, which you may not read", path, m.Name, f.Name))
}

// aggOutputs plans the selection of a ModelXAggregate object (top, with
// groups) or of a group (not top, with key).
func (b *Builder) aggOutputs(m *schema.Model, set ast.SelectionSet, vars map[string]any, path string, top bool) ([]AggOutput, error) {
	fields, err := collect(set, vars)
	if err != nil {
		return nil, err
	}
	names := api.AggregateNamesFor(m)
	var out []AggOutput
	for _, f := range fields {
		o := AggOutput{Key: responseKey(f), What: f.Name}
		switch f.Name {
		case AggTypename:
			o.Typename = names.Result
			if !top {
				o.Typename = names.Group
			}
		case AggCount:
		case AggSum, AggAvg, AggMin, AggMax, AggKey:
			if f.Name == AggKey && top {
				return nil, qerr.New(qerr.Validation, path+": key is a field of groups")
			}
			if o.Fields, err = b.aggFields(m, f, vars, path); err != nil {
				return nil, err
			}
		case AggGroups:
			if !top {
				return nil, qerr.New(qerr.Validation, path+": groups do not nest")
			}
			if o.Group, err = b.aggOutputs(m, f.SelectionSet, vars, path+".groups", false); err != nil {
				return nil, err
			}
		default:
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: aggregates have no field %s", path, f.Name))
		}
		out = append(out, o)
	}
	return out, nil
}

// aggFields plans the fields of a sum, avg, min, max or key object, each
// one the caller may read.
func (b *Builder) aggFields(m *schema.Model, f *ast.Field, vars map[string]any, path string) ([]AggField, error) {
	fields, err := collect(f.SelectionSet, vars)
	if err != nil {
		return nil, err
	}
	names := api.AggregateNamesFor(m)
	typename := map[string]string{AggSum: names.Sums, AggAvg: names.Averages, AggMin: names.Bounds, AggMax: names.Bounds, AggKey: names.Key}[f.Name]
	fits := map[string]func(*schema.Field) bool{AggSum: api.Summable, AggAvg: api.Summable, AggMin: api.Boundable, AggMax: api.Boundable, AggKey: api.Groupable}[f.Name]
	var out []AggField
	for _, sub := range fields {
		if sub.Name == AggTypename {
			out = append(out, AggField{Key: responseKey(sub), Typename: typename})
			continue
		}
		fld := m.Field(sub.Name)
		if fld == nil || !fits(fld) {
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: %s has no %s of %s", path, m.Name, f.Name, sub.Name))
		}
		if err := b.aggReadable(m, fld, path); err != nil {
			return nil, err
		}
		out = append(out, AggField{Key: responseKey(sub), Field: fld})
	}
	return out, nil
}

// connAggregate plans a connection's aggregate field: over the rows the
// connection's filter, key arguments and the caller's rules let through
// (its Select's Where, which the compiler takes from there), on every
// page; groups are empty, as the field takes no groupBy.
func (b *Builder) connAggregate(m *schema.Model, f *ast.Field, vars map[string]any) (*Aggregate, error) {
	outs, err := b.aggOutputs(m, f.SelectionSet, vars, f.Name, true)
	if err != nil {
		return nil, err
	}
	return &Aggregate{Model: m, Outputs: outs}, nil
}
