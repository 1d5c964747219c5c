package mysql

import (
	"fmt"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Custom compiles a custom query or mutation: the author's SQL with a ?
// in place of each use of a placeholder, bound in order (a name used twice
// is bound twice). The statement is prepared by the server, never
// interpolated, so a value cannot end the statement or open a comment.
// MySQL has no array parameters, so list arguments are refused.
func (Compiler) Custom(p *plan.Custom) (sqlgen.Statement, error) {
	if err := scalarArgs(p); err != nil {
		return sqlgen.Statement{}, err
	}
	b := sqlgen.NewBuilder(dialect{})
	if err := b.Custom(p, false); err != nil {
		return sqlgen.Statement{}, err
	}
	return b.Statement(), nil
}

// scalarArgs refuses list values, which only PostgreSQL can bind.
func scalarArgs(p *plan.Custom) error {
	for _, a := range p.Args {
		switch a.(type) {
		case []string, []int64, []float64, []bool:
			return qerr.New(qerr.Unsupported, fmt.Sprintf("custom operation %s: MySQL and MariaDB cannot bind a list argument; pass it as AWSJSON and read it with JSON_TABLE", p.Op.Name))
		}
	}
	return nil
}
