package mysql

// Mutations: MySQL has no RETURNING, so each is a write and a read of the row in one transaction.

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// read compiles the SELECT of a mutation's row: ret's object from the row
// where cond holds, locked when lock is set.
func (c Compiler) read(ret *plan.Select, m *schema.Model, lock bool, cond func(b *sqlgen.Builder, t sqlgen.Alias) error) (sqlgen.Statement, error) {
	if ret == nil {
		return sqlgen.Statement{}, fmt.Errorf("sqlgen/mysql: mutation of %s has no selection to return", m.Name)
	}
	g, err := c.gen()
	if err != nil {
		return sqlgen.Statement{}, err
	}
	b := g.b
	t := b.NewAlias()
	g.selectKeyword(ret)
	if err := g.object(t, ret); err != nil {
		return sqlgen.Statement{}, err
	}
	b.Raw(" FROM ")
	g.table(m)
	b.Raw(" ")
	b.WriteAlias(t)
	b.Raw(" WHERE ")
	if err := cond(b, t); err != nil {
		return sqlgen.Statement{}, err
	}
	b.Raw(" LIMIT 1")
	if lock {
		// Locks the row only: subqueries of the object read without
		// locking, as a locking clause on the outer query specifies.
		b.Raw(" FOR UPDATE")
	}
	return b.Statement(), nil
}

// keyAndWhere renders key AND where over t, a row of m.
func keyAndWhere(m *schema.Model, key, where pred.Expr) func(b *sqlgen.Builder, t sqlgen.Alias) error {
	return func(b *sqlgen.Builder, t sqlgen.Alias) error {
		if err := b.WhereOf(t, m, key); err != nil {
			return err
		}
		if where != nil {
			b.Raw(" AND ")
			return b.WhereOf(t, m, where)
		}
		return nil
	}
}

// Insert compiles INSERT, then the read of the new row by its key: the
// values the insert gave, or LAST_INSERT_ID() for an AUTO_INCREMENT key
// left to the database.
func (c Compiler) Insert(s *plan.Insert) (sqlgen.Mutation, error) {
	if len(s.Columns) != len(s.Values) {
		return sqlgen.Mutation{}, fmt.Errorf("sqlgen/mysql: insert into %s has %d columns and %d values", s.Model.Name, len(s.Columns), len(s.Values))
	}
	g, err := c.gen()
	if err != nil {
		return sqlgen.Mutation{}, err
	}
	b := g.b
	b.Raw("INSERT INTO ")
	g.table(s.Model)
	b.Raw(" (")
	for i, col := range s.Columns {
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(col)
	}
	b.Raw(") VALUES (")
	for i, v := range s.Values {
		if i > 0 {
			b.Raw(", ")
		}
		v, err := written(s.Model, s.Columns[i], v)
		if err != nil {
			return sqlgen.Mutation{}, err
		}
		b.Arg(v)
	}
	b.Raw(")")
	write := b.Statement()

	// How to find each key column of the new row.
	type keyPart struct {
		column string
		value  any
		gen    bool // LAST_INSERT_ID()
	}
	var key []keyPart
	generated := 0
	for _, name := range s.Model.PrimaryKey {
		f := s.Model.Field(name)
		if f == nil {
			return sqlgen.Mutation{}, fmt.Errorf("sqlgen/mysql: key field %s.%s is missing", s.Model.Name, name)
		}
		p := keyPart{column: f.Column}
		given := false
		for i, col := range s.Columns {
			if col == f.Column {
				p.value, given = s.Values[i], true
			}
		}
		// An AUTO_INCREMENT column given NULL is generated too.
		if !given || p.value == nil {
			if !f.DBGenerated {
				return sqlgen.Mutation{}, fmt.Errorf("sqlgen/mysql: cannot read back the new %s: key column %s has no value and is not AUTO_INCREMENT", s.Model.Name, f.Column)
			}
			p.gen = true
			generated++
		}
		key = append(key, p)
	}
	if generated > 1 {
		return sqlgen.Mutation{}, fmt.Errorf("sqlgen/mysql: %s has %d AUTO_INCREMENT key columns; LAST_INSERT_ID() knows one", s.Model.Name, generated)
	}
	read, err := c.read(s.Return, s.Model, false, func(b *sqlgen.Builder, t sqlgen.Alias) error {
		for i, p := range key {
			if i > 0 {
				b.Raw(" AND ")
			}
			b.Col(t, p.column)
			b.Raw(" = ")
			if p.gen {
				b.Raw("LAST_INSERT_ID()")
			} else {
				b.Arg(p.value)
			}
		}
		return nil
	})
	if err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.Mutation{Steps: []sqlgen.Step{
		{Statement: write, MustAffect: true},
		{Statement: read, Returns: true},
	}}, nil
}

// written converts a list value for the column it is written to: a SET
// takes its members as one comma-separated string (the driver binds no
// slices, and a member cannot hold a comma); a list kept in a JSON column
// takes JSON text. Other values pass as they are.
func written(m *schema.Model, column string, v any) (any, error) {
	switch v.(type) {
	case []string, []int64, []float64, []bool:
	default:
		return v, nil
	}
	f := sqlgen.ColumnField(m, column)
	if f != nil && strings.EqualFold(f.DBType, "set") {
		if list, ok := v.([]string); ok {
			for _, member := range list {
				if strings.Contains(member, ",") {
					return nil, fmt.Errorf("sqlgen/mysql: %s.%s: SET members cannot contain a comma: %q", m.Name, f.Name, member)
				}
			}
			return strings.Join(list, ","), nil
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(raw), nil
}

// Update compiles UPDATE ... WHERE key AND condition, then the read of the
// row by its key (with new values for key columns the update changes).
func (c Compiler) Update(s *plan.Update) (sqlgen.Mutation, error) {
	if len(s.Columns) != len(s.Values) {
		return sqlgen.Mutation{}, fmt.Errorf("sqlgen/mysql: update of %s has %d columns and %d values", s.Model.Name, len(s.Columns), len(s.Values))
	}
	g, err := c.gen()
	if err != nil {
		return sqlgen.Mutation{}, err
	}
	b := g.b
	u := b.NewAlias()
	b.Raw("UPDATE ")
	g.table(s.Model)
	b.Raw(" AS ")
	b.WriteAlias(u)
	b.Raw(" SET ")
	if len(s.Columns) == 0 {
		// Nothing to change: a no-op assignment still matches (and, with
		// clientFoundRows, counts) the row, so the caller sees it or
		// learns it is missing.
		col := s.Model.Field(s.Model.PrimaryKey[0]).Column
		b.Ident(col)
		b.Raw(" = ")
		b.Col(u, col)
	}
	for i, col := range s.Columns {
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(col)
		b.Raw(" = ")
		v, err := written(s.Model, col, s.Values[i])
		if err != nil {
			return sqlgen.Mutation{}, err
		}
		b.Arg(v)
	}
	b.Raw(" WHERE ")
	if err := keyAndWhere(s.Model, s.Key, s.Where)(b, u); err != nil {
		return sqlgen.Mutation{}, err
	}
	write := b.Statement()

	set := make(map[string]any, len(s.Columns))
	for i, col := range s.Columns {
		set[col] = s.Values[i]
	}
	read, err := c.read(s.Return, s.Model, false, keyAndWhere(s.Model, rekey(s.Key, set), nil))
	if err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.Mutation{Steps: []sqlgen.Step{
		{Statement: write, MustAffect: true},
		{Statement: read, Returns: true},
	}}, nil
}

// rekey returns key with the values of equalities on columns in set
// replaced by the new values, so that the row is found after an update
// that changes its key.
func rekey(key pred.Expr, set map[string]any) pred.Expr {
	switch x := key.(type) {
	case pred.And:
		out := make(pred.And, len(x))
		for i, e := range x {
			out[i] = rekey(e, set)
		}
		return out
	case pred.Cmp:
		if v, ok := set[x.Column]; ok && x.Op == pred.Eq && !x.Size {
			x.Value = v
		}
		return x
	}
	return key
}

// Delete compiles the locked read of the row as it is, then its DELETE.
func (c Compiler) Delete(s *plan.Delete) (sqlgen.Mutation, error) {
	read, err := c.read(s.Return, s.Model, true, keyAndWhere(s.Model, s.Key, s.Where))
	if err != nil {
		return sqlgen.Mutation{}, err
	}
	g, err := c.gen()
	if err != nil {
		return sqlgen.Mutation{}, err
	}
	b := g.b
	d := b.NewAlias()
	// The multiple-table form is the one that takes an alias on every
	// MySQL and MariaDB version.
	b.Raw("DELETE ")
	b.WriteAlias(d)
	b.Raw(" FROM ")
	g.table(s.Model)
	b.Raw(" AS ")
	b.WriteAlias(d)
	b.Raw(" WHERE ")
	if err := keyAndWhere(s.Model, s.Key, s.Where)(b, d); err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.Mutation{Steps: []sqlgen.Step{
		{Statement: read, Returns: true},
		{Statement: b.Statement(), MustAffect: true},
	}}, nil
}
