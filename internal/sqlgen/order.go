package sqlgen

import (
	"fmt"
	"slices"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
)

// KeyColumn writes a key column as a dialect orders and pages by it.
type KeyColumn func(b *Builder, t Alias, f *schema.Field)

// OrderBy writes the ORDER BY list of a list over the rows aliased t: its
// Keys, each as key writes it, with the engine's own NULL order.
func (b *Builder) OrderBy(t Alias, s *plan.Select, key KeyColumn) {
	for i, k := range s.Keys() {
		if i > 0 {
			b.Raw(", ")
		}
		key(b, t, k.Field)
		if k.Desc {
			b.Raw(" DESC")
		}
	}
}

// After writes the keyset condition of a page that starts after s.After,
// the values of s.Keys on the previous page's last row.
//
// When every key is NOT NULL and all run one way, it is the row
// comparison (k1, k2) > (v1, v2), or < descending, which every engine
// compares in order and matches to an index on the keys. Otherwise (sortBy
// with mixed directions or a nullable column) it is the expansion
//
//	k1 beyond v1 OR (k1 = v1 AND k2 beyond v2) OR ...
//
// where "= NULL" is IS NULL and "beyond" places NULL where the engine
// orders it (Dialect.NullsLarge). A NOT NULL first key also bounds the
// whole by k1 >= v1 (<= descending), which an index on k1 can seek to, so
// a page costs the same however deep it is.
func (b *Builder) After(t Alias, s *plan.Select, key KeyColumn) error {
	keys := s.Keys()
	if len(s.After) != len(keys) {
		return fmt.Errorf("sqlgen: page token has %d values, the order of %s has %d keys", len(s.After), s.Model.Name, len(keys))
	}
	nullable := func(k plan.OrderKey) bool {
		// Key columns hold no NULL (SQLite allows it, but then no key
		// order is defined by anyone).
		return !k.Field.Required && !slices.Contains(s.Model.PrimaryKey, k.Field.Name)
	}
	row := true
	for _, k := range keys {
		row = row && !nullable(k) && k.Desc == keys[0].Desc
	}
	if row {
		b.Raw("(")
		for i, k := range keys {
			if i > 0 {
				b.Raw(", ")
			}
			key(b, t, k.Field)
		}
		if keys[0].Desc {
			b.Raw(") < (")
		} else {
			b.Raw(") > (")
		}
		for i, v := range s.After {
			if i > 0 {
				b.Raw(", ")
			}
			b.Arg(v)
		}
		b.Raw(")")
		return nil
	}
	b.Raw("(")
	if first := keys[0]; !nullable(first) && s.After[0] != nil {
		key(b, t, first.Field)
		if first.Desc {
			b.Raw(" <= ")
		} else {
			b.Raw(" >= ")
		}
		b.Arg(s.After[0])
		b.Raw(" AND ")
	}
	b.Raw("(")
	written := 0
	for i, k := range keys {
		if !b.beyond(t, k, s.After[i], nullable(k), key, written > 0, func() {
			for j := 0; j < i; j++ {
				b.equal(t, keys[j], s.After[j], key)
				b.Raw(" AND ")
			}
		}) {
			continue
		}
		written++
	}
	if written == 0 {
		// The last row of the previous page was the last in every key.
		b.Raw("FALSE")
	}
	b.Raw("))")
	return nil
}

// equal writes k = v, or k IS NULL for a NULL v.
func (b *Builder) equal(t Alias, k plan.OrderKey, v any, key KeyColumn) {
	key(b, t, k.Field)
	if v == nil {
		b.Raw(" IS NULL")
		return
	}
	b.Raw(" = ")
	b.Arg(v)
}

// beyond writes one term of After's expansion, "(prefix k beyond v)",
// preceded by OR unless first, and reports false, writing nothing, when
// no value lies beyond v in k's direction (v is NULL and NULLs come last).
func (b *Builder) beyond(t Alias, k plan.OrderKey, v any, nullable bool, key KeyColumn, or bool, prefix func()) bool {
	// NULLs come after every value when they are the largest and the
	// order ascends, or the smallest and it descends.
	nullsAfter := b.d.NullsLarge() != k.Desc
	if v == nil && nullsAfter {
		return false
	}
	if or {
		b.Raw(" OR ")
	}
	b.Raw("(")
	prefix()
	switch {
	case v == nil:
		key(b, t, k.Field)
		b.Raw(" IS NOT NULL")
	case nullable && nullsAfter:
		b.Raw("(")
		b.cmpAfter(t, k, v, key)
		b.Raw(" OR ")
		key(b, t, k.Field)
		b.Raw(" IS NULL)")
	default:
		b.cmpAfter(t, k, v, key)
	}
	b.Raw(")")
	return true
}

func (b *Builder) cmpAfter(t Alias, k plan.OrderKey, v any, key KeyColumn) {
	key(b, t, k.Field)
	if k.Desc {
		b.Raw(" < ")
	} else {
		b.Raw(" > ")
	}
	b.Arg(v)
}

// WithoutAfter is a nested connection's output without its page position:
// what its totalCount counts.
func WithoutAfter(o plan.Output) plan.Output {
	n := *o.Nested
	n.After = nil
	o.Nested = &n
	return o
}

// ListKeys writes a list row's second column: arrayFn (the dialect's JSON
// array constructor) of the row's order keys, each as key writes it for
// the next page's token; NULL when the connection does not select
// nextToken (plan.Select.NoNext), as no token is minted then.
func (b *Builder) ListKeys(t Alias, s *plan.Select, arrayFn Raw, key KeyColumn) {
	if s.NoNext {
		b.Raw(", NULL")
		return
	}
	b.Raw(", ")
	b.Raw(arrayFn)
	b.Raw("(")
	for i, k := range s.Keys() {
		if i > 0 {
			b.Raw(", ")
		}
		key(b, t, k.Field)
	}
	b.Raw(")")
}

// PastPage is how many rows a root list fetches past its Limit: one, which
// tells that a next page exists, unless the connection does not select
// nextToken (plan.Select.NoNext).
func PastPage(s *plan.Select) int {
	if s.NoNext {
		return 0
	}
	return 1
}
