package schema

import (
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
)

// sqliteNames maps declared type names that say more than their affinity.
var sqliteNames = map[string]string{
	"boolean": Boolean, "bool": Boolean,
	"date":     AWSDate,
	"datetime": AWSDateTime, "timestamp": AWSDateTime,
	"time": AWSTime,
	"json": AWSJSON, "jsonb": AWSJSON,
	"uuid": ID,
}

// sqliteType follows SQLite's own affinity rules (sqlite.org/datatype3.html,
// section 3.1) after the exact names above: INT → Int; CHAR, CLOB, TEXT →
// String; REAL, FLOA, DOUB → Float; NUMERIC and DECIMAL → Float; BLOB or no
// type → String.
func sqliteType(c introspect.Column) string {
	name := strings.ToLower(c.DataType)
	if t, ok := sqliteNames[name]; ok {
		return t
	}
	switch {
	case strings.Contains(name, "int"):
		return Int
	case strings.Contains(name, "char"), strings.Contains(name, "clob"), strings.Contains(name, "text"):
		return String
	case strings.Contains(name, "real"), strings.Contains(name, "floa"), strings.Contains(name, "doub"):
		return Float
	case strings.Contains(name, "num"), strings.Contains(name, "dec"):
		return Float
	}
	return String
}

func sqliteIsList(introspect.Column) bool { return false }

// SQLite integers are always 64-bit.
func sqliteIsInt64(c introspect.Column) bool { return sqliteType(c) == Int }
