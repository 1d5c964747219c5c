package sqlite

import (
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// DDL writes the statements that create and extend managed models' tables
// in SQLite. Declared types are chosen so that reading the table back
// (introspect, schema's SQLite type map) gives each field its own type.
func DDL() sqlgen.SimpleDDL {
	return sqlgen.SimpleDDL{Quote: dialect{}.QuoteIdent, Param: dialect{}.Placeholder, FoldCase: true,
		Now: "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
		Types: sqlgen.ColumnTypes{
			schema.String: "TEXT", schema.ID: "UUID", schema.Int: "INTEGER", schema.AWSTimestamp: "INTEGER",
			schema.Float: "REAL", schema.Boolean: "BOOLEAN", schema.AWSDateTime: "DATETIME", schema.AWSDate: "DATE",
			schema.AWSTime: "TIME", schema.AWSJSON: "JSON",
		}}
}
