package sqlite

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// nested writes a relationship as a correlated subquery: one object (or
// null) for belongsTo/hasOne, a connection object for hasMany.
func nested(b *sqlgen.Builder, outer sqlgen.Alias, o plan.Output) error {
	s := o.Nested
	t := b.NewAlias()
	if o.Connection == nil {
		b.Raw("json((SELECT ")
		if err := object(b, t, s); err != nil {
			return err
		}
		b.Raw(" FROM ")
		table(b, s.Model)
		b.Raw(" ")
		b.WriteAlias(t)
		if err := joinWhere(b, outer, t, o); err != nil {
			return err
		}
		b.Raw(" LIMIT 1))")
		return nil
	}
	return b.Connection("json_object", o.Connection,
		func() error { return items(b, outer, t, o) },
		func() error { return pageMarker(b, outer, o) },
		func(k plan.ConnKey) error { return nestedCount(b, outer, o, k) })
}

// items writes a hasMany's rows as a JSON array in the order of its Keys:
// the inner subquery picks the first Limit rows in that order, and the
// aggregate's own ORDER BY puts them in order, since the subquery's order does not reach the
// aggregate by any guarantee.
func items(b *sqlgen.Builder, outer, t sqlgen.Alias, o plan.Output) error {
	s := o.Nested
	keys := s.Keys()
	x := b.NewAlias()
	b.Raw("json((SELECT json_group_array(json(")
	b.WriteAlias(x)
	b.Raw(".o) ORDER BY ")
	for i, k := range keys {
		if i > 0 {
			b.Raw(", ")
		}
		b.WriteAlias(x)
		b.Raw(".k")
		b.Int(i)
		if k.Desc {
			b.Raw(" DESC")
		}
	}
	b.Raw(") FROM (SELECT ")
	if err := object(b, t, s); err != nil {
		return err
	}
	b.Raw(" AS o")
	for i, k := range keys {
		b.Raw(", ")
		orderKey(b, t, k.Field)
		b.Raw(" AS k")
		b.Int(i)
	}
	b.Raw(" FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(t)
	if err := joinWhere(b, outer, t, o); err != nil {
		return err
	}
	b.Raw(" ORDER BY ")
	orderBy(b, t, s)
	if s.Limit > 0 {
		b.Raw(" LIMIT ")
		b.Int(s.Limit)
	}
	b.Raw(") ")
	b.WriteAlias(x)
	b.Raw("))")
	return nil
}

// tokenKey writes a key column as a page token keeps it: an AWSDateTime
// as the API writes it, so that the planner reads it back as one.
func tokenKey(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) {
	if f.IsList || !timeText(b, t, f) {
		b.Col(t, f.Column)
	}
}

// pageMarker writes a hasMany's nextToken: null, or when a row follows the
// page, the marker plan.Page describes, which the pipeline turns into a
// signed token. Two probes by OFFSET, each reading at most Limit+1 rows
// of the parent's children: whether a row exists past the page, and the
// key of the page's last row. json() keeps the array JSON on its way out
// of the subquery (see the package doc).
func pageMarker(b *sqlgen.Builder, outer sqlgen.Alias, o plan.Output) error {
	s := o.Nested
	if s.Page == nil || s.Limit <= 0 {
		b.Raw("NULL")
		return nil
	}
	p := b.NewAlias()
	b.Raw("CASE WHEN EXISTS (SELECT 1 FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(p)
	if err := joinWhere(b, outer, p, o); err != nil {
		return err
	}
	b.Raw(" LIMIT 1 OFFSET ")
	b.Int(s.Limit)
	l := b.NewAlias()
	b.Raw(") THEN json((SELECT json_array(")
	b.Arg(s.Page.Marker)
	b.Raw(", ")
	b.Int(s.Page.ID)
	b.Raw(", json_array(")
	for i, f := range s.Page.Parent {
		if i > 0 {
			b.Raw(", ")
		}
		tokenKey(b, outer, f)
	}
	b.Raw("), json_array(")
	for i, k := range s.Keys() {
		if i > 0 {
			b.Raw(", ")
		}
		tokenKey(b, l, k.Field)
	}
	b.Raw(")) FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(l)
	if err := joinWhere(b, outer, l, o); err != nil {
		return err
	}
	b.Raw(" ORDER BY ")
	orderBy(b, l, s)
	b.Raw(" LIMIT 1 OFFSET ")
	b.Int(s.Limit - 1)
	b.Raw(")) END")
	return nil
}

// joinWhere writes the nested rows' condition: the join, the filter, and
// the keyset condition of a nested nextToken.
func joinWhere(b *sqlgen.Builder, outer, inner sqlgen.Alias, o plan.Output) error {
	return b.JoinWhere(outer, inner, o, orderKey, func(t sqlgen.Alias, m *schema.Model, e pred.Expr) error {
		return where(b, t, m, e)
	})
}
