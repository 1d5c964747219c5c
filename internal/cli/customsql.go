package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// checkCustomSQL has the database prepare every @sql statement of s,
// without running it, so that a statement naming a missing table or
// column, or one that does not parse, stops the schema from being served
// instead of failing its first request. Where the engine tells the
// statement's columns before running it (PostgreSQL), a required field of
// the return type with no column of its name is a warning: selecting that
// field would fail.
func checkCustomSQL(ctx context.Context, db *connect.DB, c sqlgen.Compiler, s *schema.Schema) (warnings []string, err error) {
	var errs []string
	check := func(op *schema.Operation, mutation bool) error {
		what := "custom query " + op.Name
		if mutation {
			what = "custom mutation " + op.Name
		}
		if op.SQLFile != "" {
			what += fmt.Sprintf(" (@sql(reference: %q))", op.SQLFile)
		}
		cu, err := plan.CustomStatement(op, s.Database.Engine, mutation)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", what, err))
			return nil
		}
		st, err := c.Custom(cu)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", what, err))
			return nil
		}
		names, err := db.Describe(ctx, st.SQL)
		if err != nil {
			if ctx.Err() != nil || connect.Unreachable(err) {
				return fmt.Errorf("check the SQL of %s: %w", what, err)
			}
			errs = append(errs, fmt.Sprintf("%s: the database refuses its statement: %v", what, err))
			return nil
		}
		if names != nil {
			for _, missing := range missingColumns(s, op.Returns, names) {
				warnings = append(warnings, fmt.Sprintf("%s returns %s, but its statement has no column %s for the required field %s; selecting it will fail",
					what, op.Returns.Name, missing.column, missing.field))
			}
		}
		return nil
	}
	for _, op := range s.Queries {
		if err := check(op, false); err != nil {
			return nil, err
		}
	}
	for _, op := range s.Mutations {
		if err := check(op, true); err != nil {
			return nil, err
		}
	}
	if len(errs) > 0 {
		return warnings, errors.New(strings.Join(errs, "\n") + "\nfix the statement (or the table it names) and start again")
	}
	return warnings, nil
}

type missingColumn struct{ field, column string }

// missingColumns lists the required fields of the model or custom type t
// that no column of names provides.
func missingColumns(s *schema.Schema, t schema.TypeRef, names []string) []missingColumn {
	var out []missingColumn
	if m := s.Model(t.Name); m != nil {
		for _, f := range m.Fields {
			if f.Required && !f.IsList && !slices.Contains(names, f.Column) {
				out = append(out, missingColumn{f.Name, f.Column})
			}
		}
	} else if ct := s.Type(t.Name); ct != nil {
		for _, f := range ct.Fields {
			if f.Type.Required && !slices.Contains(names, f.Name) {
				out = append(out, missingColumn{f.Name, f.Name})
			}
		}
	}
	return out
}
