package plan

import (
	"fmt"

	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// fieldOutputs plans a column under key, with what field-level rules let
// the caller see of it: the value, the value on some rows only (with a
// Flag output so the pipeline reports the others), or null with an error.
//
// In the object a mutation returns, a field the caller may read only on
// some rows is null without an error, as in the reference, whose field
// resolvers redact protected fields of mutation results (and so of
// subscription payloads).
func (b *Builder) fieldOutputs(m *schema.Model, f *schema.Field, key string, sc *scope) []Output {
	op := sc.op
	if op == "" {
		op = authz.Get
	}
	acc := b.Policy.Field(m, f, b.id, op)
	if acc.Visible() {
		return []Output{{Key: key, Field: f}}
	}
	guard := acc.Guard
	if acc.Denied {
		guard = pred.Const(false)
	}
	if sc.listen || (sc.mutation && !acc.Denied) {
		return []Output{{Key: key, Field: f, Guard: pred.Const(false)}}
	}
	if sc.flagged != nil {
		*sc.flagged = true
	}
	return []Output{{Key: key, Field: f, Guard: guard}, {Key: DeniedKey(m.Name, f.Name, key), Flag: guard}}
}

// readable refuses a filter, condition or key argument on a field the
// caller may not read on every row it sees: comparing values would tell
// what the field holds.
func (b *Builder) readable(m *schema.Model, f *schema.Field, path string) error {
	if b.Policy.Field(m, f, b.id, authz.List).Visible() {
		return nil
	}
	return qerr.New(qerr.Forbidden, fmt.Sprintf("%s: you may not filter on %s.%s, which you may not read", path, m.Name, f.Name))
}

// joinReadable reports whether the caller may read, on every row, the
// fields a relationship joins on: following it would otherwise tell a
// protected key or reference value (the related row's key is visible).
func (b *Builder) joinReadable(from, target *schema.Model, rel *schema.Relationship) bool {
	child, parent := target, from
	if rel.Kind == schema.BelongsTo {
		child, parent = from, target
	}
	for _, ref := range rel.References {
		if f := child.Field(ref); f != nil && !b.Policy.Field(child, f, b.id, authz.List).Visible() {
			return false
		}
	}
	for _, k := range parent.PrimaryKey {
		if f := parent.Field(k); f != nil && !b.Policy.Field(parent, f, b.id, authz.List).Visible() {
			return false
		}
	}
	return true
}
