package schema

import "github.com/quarrydata/quarry/internal/introspect"

// postgresTypes maps PostgreSQL base type names (pg_type.typname, after
// domains and arrays are resolved) to GraphQL scalars. It is the reference's
// table with two deliberate changes: timestamptz → AWSDateTime and
// timetz → AWSTime, where the reference gives String. Anything not listed
// is a String.
var postgresTypes = map[string]string{
	"varchar": String, "char": String, "bpchar": String, "text": String, "name": String, "citext": String,
	"bool": Boolean,
	"int2": Int, "int4": Int, "int8": Int, "bit": Int,
	"float4": Float, "float8": Float, "numeric": Float, "money": Float,
	"uuid":        ID,
	"date":        AWSDate,
	"timestamp":   AWSDateTime,
	"timestamptz": AWSDateTime,
	"time":        AWSTime,
	"timetz":      AWSTime,
	"json":        AWSJSON, "jsonb": AWSJSON,
	"point": AWSJSON, "line": AWSJSON, "lseg": AWSJSON, "box": AWSJSON, "path": AWSJSON, "polygon": AWSJSON, "circle": AWSJSON,
	"inet": AWSIPAddress, "cidr": AWSIPAddress,
}

func postgresType(c introspect.Column) string {
	if t, ok := postgresTypes[c.DataType]; ok {
		return t
	}
	return String
}

func postgresIsList(c introspect.Column) bool { return c.ArrayDims > 0 }

func postgresIsInt64(c introspect.Column) bool { return c.DataType == "int8" }
