package postgres

import (
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// DDL writes the statements that create and extend managed models' tables
// in PostgreSQL, with the catalog's own type names so that a stored
// column is recognised by its pg_type name.
func DDL() sqlgen.SimpleDDL {
	return sqlgen.SimpleDDL{Quote: dialect{}.QuoteIdent, Param: dialect{}.Placeholder, Now: "now()", Types: sqlgen.ColumnTypes{
		schema.String: "text", schema.ID: "uuid", schema.Int: "int8", schema.AWSTimestamp: "int8",
		schema.Float: "float8", schema.Boolean: "bool", schema.AWSDateTime: "timestamptz", schema.AWSDate: "date",
		schema.AWSTime: "time", schema.AWSJSON: "jsonb",
	}}
}
