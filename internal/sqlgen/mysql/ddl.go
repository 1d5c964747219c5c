package mysql

import (
	"fmt"
	"slices"

	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// DDL writes the statements that create and extend managed models' tables
// in MySQL and MariaDB.
type DDL struct{}

// types pairs the column type written with the DATA_TYPE the catalog then
// reports for it.
func types(m *schema.Model, f *schema.Field) (declared, dataType string, err error) {
	if f.IsList {
		return "", "", fmt.Errorf("field %s is a list; managed models store no lists yet (use AWSJSON)", f.Name)
	}
	switch {
	case f.Type == schema.ID:
		return "CHAR(36)", "char", nil
	case f.IsEnum, f.Type == schema.String && m != nil && slices.Contains(m.PrimaryKey, f.Name):
		// TEXT cannot be a key; keys and enums are short.
		return "VARCHAR(255)", "varchar", nil
	case f.Type == schema.Int, f.Type == schema.AWSTimestamp:
		return "BIGINT", "bigint", nil
	case f.Type == schema.Float:
		return "DOUBLE", "double", nil
	case f.Type == schema.Boolean:
		return "BOOLEAN", "tinyint", nil
	case f.Type == schema.AWSDateTime:
		return "DATETIME(3)", "datetime", nil
	case f.Type == schema.AWSDate:
		return "DATE", "date", nil
	case f.Type == schema.AWSTime:
		return "TIME(3)", "time", nil
	case f.Type == schema.AWSJSON:
		return "JSON", "json", nil
	}
	return "TEXT", "text", nil
}

// ColumnType is the type a managed field is stored as.
func (DDL) ColumnType(f *schema.Field) (string, error) {
	t, _, err := types(nil, f)
	return t, err
}

// Matches compares the stored column's DATA_TYPE.
func (DDL) Matches(c *introspect.Column, f *schema.Field) bool {
	_, want, err := types(nil, f)
	if err != nil {
		return false
	}
	return c.DataType == want || (want == "text" && c.DataType == "varchar")
}

func (d DDL) table(m *schema.Model) sqlgen.TableDDL {
	return sqlgen.TableDDL{Quote: dialect{}.QuoteIdent, Column: func(f *schema.Field) (string, error) {
		t, _, err := types(m, f)
		if err == nil && sqlgen.IsTimestamp(f) {
			t += " DEFAULT CURRENT_TIMESTAMP(3)"
		}
		return t, err
	}}
}

// CreateTable creates m's table.
func (d DDL) CreateTable(m *schema.Model) (string, error) { return d.table(m).Create(m) }

// AddColumn adds f to m's table.
func (d DDL) AddColumn(m *schema.Model, f *schema.Field) (string, error) { return d.table(m).Add(m, f) }

// Placeholder is MySQL's bound parameter.
func (DDL) Placeholder(n int) string { return dialect{}.Placeholder(n) }
