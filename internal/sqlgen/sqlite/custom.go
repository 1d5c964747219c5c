package sqlite

import (
	"fmt"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Custom compiles a custom query or mutation: the author's SQL with ?1,
// ?2, ... in place of its placeholders, one number per argument name (a
// name used twice repeats its number). SQLite has no array parameters, so
// list arguments are refused.
func (Compiler) Custom(p *plan.Custom) (sqlgen.Statement, error) {
	for _, a := range p.Args {
		switch a.(type) {
		case []string, []int64, []float64, []bool:
			return sqlgen.Statement{}, qerr.New(qerr.Unsupported, fmt.Sprintf("custom operation %s: SQLite cannot bind a list argument; pass it as AWSJSON and read it with json_each", p.Op.Name))
		}
	}
	b := newBuilder()
	if err := b.Custom(p, true); err != nil {
		return sqlgen.Statement{}, err
	}
	return b.Statement(), nil
}
