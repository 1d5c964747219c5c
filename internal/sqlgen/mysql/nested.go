package mysql

import (
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// items writes a hasMany's rows as a JSON array in the order of its Keys,
// at most Limit of them (see the package doc for why GROUP_CONCAT).
func (g *gen) items(outer, t sqlgen.Alias, o plan.Output) error {
	b := g.b
	s := o.Nested
	var err error
	g.jsonOf(func() {
		b.Raw("(SELECT CONCAT('[', COALESCE(GROUP_CONCAT(")
		if g.mysql && s.Limit > 0 {
			// MySQL: order the objects of a limited derived table.
			keys := s.Keys()
			x := b.NewAlias()
			b.WriteAlias(x)
			b.Raw(".o ORDER BY ")
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
			b.Raw(" SEPARATOR ','), ''), ']') FROM (SELECT ")
			if err = g.object(t, s); err != nil {
				return
			}
			b.Raw(" AS o")
			for i, k := range keys {
				b.Raw(", ")
				column(b, t, k.Field)
				b.Raw(" AS k")
				b.Int(i)
			}
			b.Raw(" FROM ")
			g.table(s.Model)
			b.Raw(" ")
			b.WriteAlias(t)
			if err = joinWhere(b, outer, t, o); err != nil {
				return
			}
			b.Raw(" ORDER BY ")
			b.OrderBy(t, s, column)
			b.Raw(" LIMIT ")
			b.Int(s.Limit)
			b.Raw(") ")
			b.WriteAlias(x)
			b.Raw(")")
			return
		}
		// MariaDB (or no limit): order and limit inside the aggregate.
		if err = g.object(t, s); err != nil {
			return
		}
		b.Raw(" ORDER BY ")
		b.OrderBy(t, s, column)
		b.Raw(" SEPARATOR ','")
		if s.Limit > 0 {
			b.Raw(" LIMIT ")
			b.Int(s.Limit)
		}
		b.Raw("), ''), ']') FROM ")
		g.table(s.Model)
		b.Raw(" ")
		b.WriteAlias(t)
		if err = joinWhere(b, outer, t, o); err != nil {
			return
		}
		err = g.cutOff(outer, t, o)
		b.Raw(")")
	})
	return err
}

// cutOff keeps MariaDB's limited GROUP_CONCAT from building objects it
// then drops: LIMIT inside GROUP_CONCAT applies after every row's object
// (with its nested objects) was built, so a parent with 3,290 children
// built 3,290 to keep 50. The rows past the page are cut in WHERE instead,
// at the cut key's value on the Limit-th row, found by an ORDER BY ...
// LIMIT 1 OFFSET probe under the list's own condition (join, page start,
// filter and row rules), as pageMarker's; COALESCE keeps every row when
// there are fewer. The rows are ordered by the cut key first (see
// cutKey), so the page lies at or before that value; rows that tie with
// it are kept too, and GROUP_CONCAT's LIMIT still chooses among them.
func (g *gen) cutOff(outer, t sqlgen.Alias, o plan.Output) error {
	s := o.Nested
	k, ok := cutKey(o)
	if s.Limit <= 0 || !ok {
		return nil
	}
	b := g.b
	b.Raw(" AND ")
	column(b, t, k.Field)
	if k.Desc {
		b.Raw(" >= ")
	} else {
		b.Raw(" <= ")
	}
	b.Raw("COALESCE((SELECT ")
	c := b.NewAlias()
	column(b, c, k.Field)
	b.Raw(" FROM ")
	g.table(s.Model)
	b.Raw(" ")
	b.WriteAlias(c)
	if err := joinWhere(b, outer, c, o); err != nil {
		return err
	}
	b.Raw(" ORDER BY ")
	b.OrderBy(c, s, column)
	b.Raw(" LIMIT 1 OFFSET ")
	b.Int(s.Limit - 1)
	b.Raw("), ")
	column(b, t, k.Field)
	b.Raw(")")
	return nil
}

// cutKey returns the key a nested list's rows can be cut at: the first of
// its Keys that the join does not fix. Keys the join fixes hold one value
// for all of one parent's children, so they never decide the order: a
// join table's (playlist_id, track_id) orders one playlist's rows by
// track_id alone. The cut key must hold no NULL (a NULL fails the
// comparison, yet MariaDB orders NULLs first) and compare as it sorts,
// which ENUM and SET do not (they sort by member number but compare as
// text; spatial and JSON columns are left out as well, unexamined);
// otherwise there is no cut, and the list is only slower.
func cutKey(o plan.Output) (plan.OrderKey, bool) {
	for _, k := range o.Nested.Keys() {
		if fixed(o, k.Field) {
			continue
		}
		db := strings.ToLower(k.Field.DBType)
		ok := k.Field.Required && !k.Field.IsList && db != "enum" && db != "set" && db != "json" && !spatialType(db)
		return k, ok
	}
	return plan.OrderKey{}, false
}

// fixed reports whether the join equates f with the parent's column. Not
// for text: a join compares under one collation (the parent column's may
// win over f's), ORDER BY under f's, so the children a case- or
// accent-insensitive join matches need not sort as one value.
func fixed(o plan.Output, f *schema.Field) bool {
	if f.IsList || textType(strings.ToLower(f.DBType)) {
		return false
	}
	for _, j := range o.Join {
		if j.Inner == f.Column {
			return true
		}
	}
	return false
}

// pageMarker writes a hasMany's nextToken: null, or when a row follows the
// page, the marker plan.Page describes, which the pipeline turns into a
// signed token. Two scalar probes by OFFSET, each reading at most Limit+1
// rows of the parent's children: whether a row exists past the page, and
// the key of the page's last row. Scalar subqueries, not a windowed
// derived table, because MariaDB's derived tables cannot see the outer
// row; JSON_EXTRACT keeps the array JSON for MariaDB (see the package
// doc).
func (g *gen) pageMarker(outer sqlgen.Alias, o plan.Output) error {
	b := g.b
	s := o.Nested
	if s.Page == nil || s.Limit <= 0 {
		b.Raw("NULL")
		return nil
	}
	var err error
	g.jsonOf(func() {
		p := b.NewAlias()
		b.Raw("CASE WHEN EXISTS (SELECT 1 FROM ")
		g.table(s.Model)
		b.Raw(" ")
		b.WriteAlias(p)
		if err = joinWhere(b, outer, p, o); err != nil {
			return
		}
		b.Raw(" LIMIT 1 OFFSET ")
		b.Int(s.Limit)
		l := b.NewAlias()
		b.Raw(") THEN (SELECT JSON_ARRAY(")
		b.Arg(s.Page.Marker)
		b.Raw(", ")
		b.Int(s.Page.ID)
		b.Raw(", JSON_ARRAY(")
		for i, f := range s.Page.Parent {
			if i > 0 {
				b.Raw(", ")
			}
			tokenKey(b, outer, f)
		}
		b.Raw("), JSON_ARRAY(")
		for i, k := range s.Keys() {
			if i > 0 {
				b.Raw(", ")
			}
			tokenKey(b, l, k.Field)
		}
		b.Raw(")) FROM ")
		g.table(s.Model)
		b.Raw(" ")
		b.WriteAlias(l)
		if err = joinWhere(b, outer, l, o); err != nil {
			return
		}
		b.Raw(" ORDER BY ")
		b.OrderBy(l, s, column)
		b.Raw(" LIMIT 1 OFFSET ")
		b.Int(s.Limit - 1)
		b.Raw(") END")
	})
	return err
}
