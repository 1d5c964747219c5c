package sqlgen

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
)

// TableDDL writes the statements that create and extend managed models'
// tables, from a dialect's identifier quoting and column definitions.
type TableDDL struct {
	Quote func(name string) string
	// Column is a field's column definition after its name: type and
	// default, without NOT NULL.
	Column func(f *schema.Field) (string, error)
}

// Create creates m's table with every field; keys and required fields are
// NOT NULL.
func (d TableDDL) Create(m *schema.Model) (string, error) {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + d.Quote(m.Table.Name) + " (")
	for i, f := range m.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		col, err := d.Column(f)
		if err != nil {
			return "", fmt.Errorf("model %s: %w", m.Name, err)
		}
		b.WriteString(d.Quote(f.Column) + " " + col)
		if f.Required {
			b.WriteString(" NOT NULL")
		}
	}
	b.WriteString(", PRIMARY KEY (")
	for i, k := range m.PrimaryKey {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Quote(m.Field(k).Column))
	}
	b.WriteString("))")
	return b.String(), nil
}

// Add adds f to m's table, nullable: the rows already stored have no
// value for it.
func (d TableDDL) Add(m *schema.Model, f *schema.Field) (string, error) {
	col, err := d.Column(f)
	if err != nil {
		return "", fmt.Errorf("model %s: %w", m.Name, err)
	}
	return "ALTER TABLE " + d.Quote(m.Table.Name) + " ADD COLUMN " + d.Quote(f.Column) + " " + col, nil
}

// IsTimestamp reports the server-filled timestamp fields, which also get
// a default so that rows other tools insert have them.
func IsTimestamp(f *schema.Field) bool { return f.Name == "createdAt" || f.Name == "updatedAt" }

// ColumnTypes maps GraphQL types to a dialect's column types for managed
// models; the String entry serves enums and every type without one.
type ColumnTypes map[string]string

// For is the column type of f.
func (c ColumnTypes) For(f *schema.Field) (string, error) {
	if f.IsList {
		return "", fmt.Errorf("field %s is a list; managed models store no lists yet (use AWSJSON)", f.Name)
	}
	if t, ok := c[f.Type]; ok && !f.IsEnum {
		return t, nil
	}
	return c[schema.String], nil
}

// SimpleDDL is the managed-model DDL of a dialect whose column types
// depend on the field's type alone.
type SimpleDDL struct {
	Types ColumnTypes
	Quote func(name string) string
	// Now is the default of the server's timestamp columns.
	Now string
	// FoldCase compares stored type names without case (SQLite keeps a
	// declared type as written).
	FoldCase bool
	// Param is the dialect's n-th bound parameter.
	Param func(n int) string
}

// Placeholder is the dialect's n-th bound parameter.
func (d SimpleDDL) Placeholder(n int) string { return d.Param(n) }

// ColumnType is the type a managed field is stored as.
func (d SimpleDDL) ColumnType(f *schema.Field) (string, error) { return d.Types.For(f) }

// Matches reports whether a stored column already holds f's type.
func (d SimpleDDL) Matches(c *introspect.Column, f *schema.Field) bool {
	want, err := d.ColumnType(f)
	if err != nil {
		return false
	}
	if d.FoldCase {
		return strings.EqualFold(c.DataType, want)
	}
	return c.DataType == want
}

func (d SimpleDDL) table() TableDDL {
	return TableDDL{Quote: d.Quote, Column: func(f *schema.Field) (string, error) {
		t, err := d.ColumnType(f)
		if err == nil && IsTimestamp(f) {
			t += " DEFAULT " + d.Now
		}
		return t, err
	}}
}

// CreateTable creates m's table.
func (d SimpleDDL) CreateTable(m *schema.Model) (string, error) { return d.table().Create(m) }

// AddColumn adds f to m's table.
func (d SimpleDDL) AddColumn(m *schema.Model, f *schema.Field) (string, error) {
	return d.table().Add(m, f)
}
