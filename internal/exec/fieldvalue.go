package exec

import (
	"bytes"

	"github.com/quarrydata/quarry/internal/schema"
)

// WriteField writes v, the value of model field f as database/sql gives
// it when a column is scanned into *any, formatted as the API returns the
// field: the same steps as a custom operation's rows take (bytes are text
// unless the column is binary, then writeValue; an enum's stored text
// becomes the value's GraphQL name, as the model queries' SQL maps it).
// The change stream
// (internal/changes) builds change events' rows with it, so that they
// match the rows the mutation path publishes, which SQL formats.
func WriteField(w *bytes.Buffer, f *schema.Field, v any) error {
	dbType := baseType(f.DBType)
	if b, ok := v.([]byte); ok && !binary(dbType, b) {
		v = string(b)
	}
	return writeValue(w, v, valueType{Name: f.Type, List: f.IsList, Enum: f.IsEnum, EnumValues: f.Enum, FieldDB: f.DBType, ColumnDB: dbType})
}
