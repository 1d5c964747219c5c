package postgres

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Custom compiles a custom query or mutation: the author's SQL with $1,
// $2, ... in place of its placeholders, one number per argument name, so a
// name used twice is one parameter whose type PostgreSQL infers from both
// uses. List arguments bind as arrays (WHERE id = ANY(:ids)).
func (Compiler) Custom(c *plan.Custom) (sqlgen.Statement, error) {
	b := sqlgen.NewBuilder(dialect{})
	if err := b.Custom(c, true); err != nil {
		return sqlgen.Statement{}, err
	}
	return b.Statement(), nil
}
