package pipeline

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// aggregate runs an aggregateX root field: one statement, whose groups
// are refused when there are more than the caller's limit rather than
// cut, since a cut list of groups would pass for all of them.
func (e *Engine) aggregate(ctx context.Context, a *plan.Aggregate, compiler sqlgen.Compiler, x *exec.Executor) (json.RawMessage, error) {
	st, err := compiler.Aggregate(a)
	if err != nil {
		return nil, err
	}
	res, err := x.Aggregate(ctx, st)
	if err != nil {
		return nil, err
	}
	if res.Grouped && res.Groups > int64(a.Limit) {
		return nil, qerr.New(qerr.TooLarge, fmt.Sprintf("groupBy forms more than %d groups: narrow the filter, group by fewer fields, or raise limit (at most --max-list-limit)", a.Limit))
	}
	return res.Object, nil
}

// listAggregates computes the aggregate keys of a root list's connection,
// by key: each is a statement of its own over the list's rows (its Where,
// without the page), since the list's statement returns rows, not one
// object.
func (e *Engine) listAggregates(ctx context.Context, r plan.Root, compiler sqlgen.Compiler, x *exec.Executor) (map[string]json.RawMessage, error) {
	var out map[string]json.RawMessage
	for _, k := range r.Conn {
		if k.Aggregate == nil {
			continue
		}
		a := *k.Aggregate
		a.Where = r.Select.Where
		val, err := e.aggregate(ctx, &a, compiler, x)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[k.Key] = val
	}
	return out, nil
}
