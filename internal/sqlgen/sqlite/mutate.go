package sqlite

// Mutations: INSERT, UPDATE and DELETE ... RETURNING the row's object.

import (
	"strconv"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// target is the name a mutation's columns are qualified with: RETURNING
// does not accept a table alias (SQLite 3.54: "no such column: t1.x"), so
// the statement names its table throughout.
func target(b *sqlgen.Builder, m *schema.Model) sqlgen.Alias {
	// A table named like a generated alias (t3) would be shadowed inside a
	// nested subquery that uses that alias (SQLite compares names without
	// regard to case or quotes): use up the aliases up to that name, so
	// that the builder never hands it out.
	if n, ok := aliasNumber(m.Table.Name); ok {
		for {
			if a := b.NewAlias(); string(a) == "t"+strconv.Itoa(n) {
				break
			}
		}
	}
	// The quoted name comes from the IR through the dialect's quoting, as
	// Builder.Ident writes it.
	return sqlgen.Alias(dialect{}.QuoteIdent(m.Table.Name))
}

// aliasNumber reports whether name reads as a generated alias "t<n>" that a
// statement could reach (no statement Quarry writes has 10000 aliases).
func aliasNumber(name string) (int, bool) {
	if len(name) < 2 || (name[0] != 't' && name[0] != 'T') || name[1] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n < 1 || n > 10000 || strconv.Itoa(n) != name[1:] {
		return 0, false
	}
	return n, true
}

func returning(b *sqlgen.Builder, t sqlgen.Alias, ret *plan.Select) error {
	b.Raw(" RETURNING ")
	return object(b, t, ret)
}

// Insert compiles INSERT ... RETURNING <object>: one statement that returns
// the row as stored, the generated rowid key included.
func (Compiler) Insert(s *plan.Insert) (sqlgen.Mutation, error) {
	b := newBuilder()
	t := target(b, s.Model)
	b.Raw("INSERT INTO ")
	table(b, s.Model)
	if len(s.Columns) == 0 {
		b.Raw(" DEFAULT VALUES")
	} else {
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
			b.Arg(v)
		}
		b.Raw(")")
	}
	if err := returning(b, t, s.Return); err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.One(b.Statement()), nil
}

// keyWhere writes " WHERE key AND condition" over the row aliased t.
func keyWhere(b *sqlgen.Builder, t sqlgen.Alias, m *schema.Model, key, cond pred.Expr) error {
	b.Raw(" WHERE ")
	if err := where(b, t, m, key); err != nil {
		return err
	}
	if cond != nil {
		b.Raw(" AND ")
		return where(b, t, m, cond)
	}
	return nil
}

// read compiles the select of the object of the row with key, if cond
// holds, for the mutations that read instead of returning.
func read(model *schema.Model, key, cond pred.Expr, ret *plan.Select) (sqlgen.Statement, error) {
	b := newBuilder()
	t := b.NewAlias()
	b.Raw("SELECT ")
	if err := object(b, t, ret); err != nil {
		return sqlgen.Statement{}, err
	}
	b.Raw(" FROM ")
	table(b, model)
	b.Raw(" ")
	b.WriteAlias(t)
	if err := keyWhere(b, t, model, key, cond); err != nil {
		return sqlgen.Statement{}, err
	}
	b.Raw(" LIMIT 1")
	return b.Statement(), nil
}

// Update compiles UPDATE ... WHERE key AND condition RETURNING <object>; no
// row back means the row is missing or the condition failed. An update
// that sets nothing is a read of the row: a no-op assignment would fire
// triggers and foreign-key actions for nothing.
func (Compiler) Update(s *plan.Update) (sqlgen.Mutation, error) {
	if len(s.Columns) == 0 {
		st, err := read(s.Model, s.Key, s.Where, s.Return)
		if err != nil {
			return sqlgen.Mutation{}, err
		}
		return sqlgen.One(st), nil
	}
	b := newBuilder()
	t := target(b, s.Model)
	b.Raw("UPDATE ")
	table(b, s.Model)
	b.Raw(" SET ")
	for i, col := range s.Columns {
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(col)
		b.Raw(" = ")
		b.Arg(s.Values[i])
	}
	if err := keyWhere(b, t, s.Model, s.Key, s.Where); err != nil {
		return sqlgen.Mutation{}, err
	}
	if err := returning(b, t, s.Return); err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.One(b.Statement()), nil
}

// Delete compiles DELETE ... RETURNING <object> when the object has only
// columns. With nested relationships it reads the object first and then
// deletes (MustAffect): RETURNING's subqueries would see the database after
// the delete, children removed by ON DELETE CASCADE included.
func (Compiler) Delete(s *plan.Delete) (sqlgen.Mutation, error) {
	if hasNested(s.Return) {
		rd, err := read(s.Model, s.Key, s.Where, s.Return)
		if err != nil {
			return sqlgen.Mutation{}, err
		}
		b := newBuilder()
		t := target(b, s.Model)
		b.Raw("DELETE FROM ")
		table(b, s.Model)
		if err := keyWhere(b, t, s.Model, s.Key, s.Where); err != nil {
			return sqlgen.Mutation{}, err
		}
		return sqlgen.Mutation{Steps: []sqlgen.Step{
			{Statement: rd, Returns: true},
			{Statement: b.Statement(), MustAffect: true},
		}}, nil
	}
	b := newBuilder()
	t := target(b, s.Model)
	b.Raw("DELETE FROM ")
	table(b, s.Model)
	if err := keyWhere(b, t, s.Model, s.Key, s.Where); err != nil {
		return sqlgen.Mutation{}, err
	}
	if err := returning(b, t, s.Return); err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.One(b.Statement()), nil
}
