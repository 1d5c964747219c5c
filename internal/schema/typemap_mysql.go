package schema

import (
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
)

// mysqlTypes maps MySQL/MariaDB DATA_TYPE names to GraphQL scalars, as the
// reference does, except SET, which becomes a list of strings. Anything not
// listed (spatial types, say) is a String.
var mysqlTypes = map[string]string{
	"varchar": String, "char": String, "binary": String, "varbinary": String,
	"tinyblob": String, "tinytext": String, "text": String, "blob": String,
	"mediumtext": String, "mediumblob": String, "longtext": String, "longblob": String,
	"set":  String,
	"bool": Boolean, "boolean": Boolean,
	"bit": Int, "tinyint": Int, "smallint": Int, "mediumint": Int, "int": Int, "integer": Int, "bigint": Int, "year": Int,
	"float": Float, "double": Float, "decimal": Float, "dec": Float, "numeric": Float, "real": Float,
	"date":     AWSDate,
	"datetime": AWSDateTime, "timestamp": AWSDateTime,
	"time": AWSTime,
	"json": AWSJSON,
}

func mysqlType(c introspect.Column) string {
	if t, ok := mysqlTypes[strings.ToLower(c.DataType)]; ok {
		return t
	}
	return String
}

func mysqlIsList(c introspect.Column) bool { return strings.EqualFold(c.DataType, "set") }

// An unsigned INT also exceeds 32 bits; only 2^53 matters to a JS client,
// and only BIGINT gets there.
func mysqlIsInt64(c introspect.Column) bool { return strings.EqualFold(c.DataType, "bigint") }
