package plan

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/qerr"
)

// DefaultLimit is the page size of a list without limit, as AppSync
// models have.
const DefaultLimit = 100

// Limits bound what one operation may ask for. Zero values take the
// defaults below.
type Limits struct {
	// MaxLimit is the largest page a list may ask for (--max-list-limit);
	// a larger limit is refused, not cut.
	MaxLimit int
	// MaxRootFields bounds an operation's root fields, __typename
	// included (--max-root-fields).
	MaxRootFields int
	// MaxOutputs bounds the fields one root field selects in all, each
	// fragment counted where it is used (--max-fields).
	MaxOutputs int
	// MaxDepth bounds how many relationships deep a selection nests
	// (--max-depth).
	MaxDepth int
}

// Default limits.
const (
	DefaultMaxLimit      = 1000
	DefaultMaxRootFields = 50
	DefaultMaxOutputs    = 5000
	DefaultMaxDepth      = 12
)

// WithDefaults fills zero limits with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxLimit <= 0 {
		l.MaxLimit = DefaultMaxLimit
	}
	if l.MaxRootFields <= 0 {
		l.MaxRootFields = DefaultMaxRootFields
	}
	if l.MaxOutputs <= 0 {
		l.MaxOutputs = DefaultMaxOutputs
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// pageLimit reads a list's limit argument: DefaultLimit when absent, a
// validation error when it is not a positive integer or over the maximum.
func (l Limits) pageLimit(args map[string]any) (int, error) {
	v, ok := args["limit"]
	if !ok || v == nil {
		return DefaultLimit, nil
	}
	n, err := toInt(v)
	if err != nil || n < 1 {
		return 0, qerr.New(qerr.Validation, "limit must be a positive integer")
	}
	if n > int64(l.MaxLimit) {
		return 0, qerr.New(qerr.Validation, fmt.Sprintf("limit %d is over the maximum page size of %d (limit --max-list-limit); page with nextToken", n, l.MaxLimit))
	}
	return int(n), nil
}

// CheckRootFields refuses an operation with more root fields than the
// limit, for operations answered without a plan (introspection). A nil
// Builder has the default limits.
func (b *Builder) CheckRootFields(op *ast.OperationDefinition, vars map[string]any) error {
	fields, err := collect(op.SelectionSet, vars)
	if err != nil {
		return err
	}
	var l Limits
	if b != nil {
		l = b.Limits
	}
	return l.WithDefaults().rootFields(len(fields))
}

func (l Limits) rootFields(n int) error {
	if n > l.MaxRootFields {
		return qerr.New(qerr.TooLarge, fmt.Sprintf("an operation may have at most %d root fields, __typename included (limit --max-root-fields)", l.MaxRootFields))
	}
	return nil
}
