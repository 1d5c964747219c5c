package schema

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
)

// Bind checks a schema read from files against the live catalog and fills
// in the facts only the database knows: each field's base type, whether
// the database generates or computes it, 64-bit integers, defaults. A
// model whose table, or a field whose column, is missing is an error that
// says to regenerate; every such problem is reported at once.
func Bind(s *Schema, cat *introspect.Catalog) error {
	tm, err := typeMapFor(cat.Engine)
	if err != nil {
		return err
	}
	defaultSchema := ""
	if len(cat.Schemas) > 0 {
		defaultSchema = cat.Schemas[0]
	}
	var problems []string
	for _, m := range s.Models {
		sch := m.Table.Schema
		if sch == "" {
			sch = defaultSchema
		}
		t := cat.Table(sch, m.Table.Name)
		if t == nil {
			problems = append(problems, fmt.Sprintf("model %s: table %s is not in the database", m.Name, qualifiedName(m.Table)))
			continue
		}
		for _, f := range m.Fields {
			c := t.Column(f.Column)
			if c == nil {
				problems = append(problems, fmt.Sprintf("model %s: field %s: column %s.%s is not in the database", m.Name, f.Name, t.Name, f.Column))
				continue
			}
			f.DBType = c.DataType
			f.NativeType = c.ColumnType
			f.DBGenerated = f.DBGenerated || c.AutoIncrement
			f.ReadOnly = c.Generated
			f.Int64 = tm.isInt64(*c)
			f.Default = c.Default
			if f.Comment == "" {
				f.Comment = c.Comment
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the schema does not match the database (run `quarry generate schema-from-database` again):\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func qualifiedName(t TableRef) string {
	if t.Schema == "" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}
