package sqlite

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
)

// DDL writes the statements that create and extend managed models' tables
// in SQLite. Declared types are chosen so that reading the table back
// (introspect, schema's SQLite type map) gives each field its own type.
type DDL struct{}

// ColumnType is the declared type a managed field is stored as.
func (DDL) ColumnType(f *schema.Field) (string, error) {
	if f.IsList {
		return "", fmt.Errorf("field %s is a list; managed models store no lists yet (use AWSJSON)", f.Name)
	}
	if f.IsEnum {
		return "TEXT", nil
	}
	switch f.Type {
	case schema.ID:
		return "UUID", nil
	case schema.Int, schema.AWSTimestamp:
		return "INTEGER", nil
	case schema.Float:
		return "REAL", nil
	case schema.Boolean:
		return "BOOLEAN", nil
	case schema.AWSDateTime:
		return "DATETIME", nil
	case schema.AWSDate:
		return "DATE", nil
	case schema.AWSTime:
		return "TIME", nil
	case schema.AWSJSON:
		return "JSON", nil
	}
	return "TEXT", nil
}

// CreateTable creates m's table with every field. Keys and required
// fields are NOT NULL; the server's timestamps also default to the time of
// the insert, so rows written by other tools get them too.
func (d DDL) CreateTable(m *schema.Model) (string, error) {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + quoteIdent(m.Table.Name) + " (")
	for i, f := range m.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		col, err := d.column(f)
		if err != nil {
			return "", fmt.Errorf("model %s: %w", m.Name, err)
		}
		b.WriteString(col)
		if f.Required {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(", PRIMARY KEY (")
	for i, k := range m.PrimaryKey {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(m.Field(k).Column))
	}
	b.WriteString("))")
	return b.String(), nil
}

// AddColumn adds f to m's table. The column is nullable: the rows already
// there have no value for it, and refusing them would lose nothing but
// would stop the change.
func (d DDL) AddColumn(m *schema.Model, f *schema.Field) (string, error) {
	col, err := d.column(f)
	if err != nil {
		return "", fmt.Errorf("model %s: %w", m.Name, err)
	}
	return "ALTER TABLE " + quoteIdent(m.Table.Name) + " ADD COLUMN " + col, nil
}

func (d DDL) column(f *schema.Field) (string, error) {
	t, err := d.ColumnType(f)
	if err != nil {
		return "", err
	}
	col := quoteIdent(f.Column) + " " + t
	if f.Name == "createdAt" || f.Name == "updatedAt" {
		col += " DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	}
	return col, nil
}

func quoteIdent(name string) string { return dialect{}.QuoteIdent(name) }
