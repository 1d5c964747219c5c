package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
)

// Bind checks a schema read from files against the live catalog and fills
// in the facts only the database knows: each field's base type, whether
// the database generates or computes it, 64-bit integers, defaults, and
// the stored text of enum values (bindEnum). Enums are looked up in
// s.Enums, so pass them with the models. A
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
	bound := map[*Enum]string{}
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
		m.UniqueColumns = enforcedUniques(t)
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
			if p := bindEnum(s, f, c, t.Name+"."+c.Name, bound); p != "" {
				problems = append(problems, fmt.Sprintf("model %s: field %s: %s", m.Name, f.Name, p))
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

// bindEnum links an enum field to its enum and recovers the stored text
// of each value from the catalog: the schema files (schema.sql.ts's
// a.enum([...]), an SDL enum) can only hold GraphQL names, so the column's
// database values are sanitised again as FromCatalog did (EnumNames) and
// matched by name. A value the database does not have is stored as its
// name. bound remembers which column set each enum's mapping, so two
// columns sharing an enum must agree; the answer is a problem or "".
func bindEnum(s *Schema, f *Field, c *introspect.Column, column string, bound map[*Enum]string) string {
	f.Enum = nil
	if !f.IsEnum {
		return ""
	}
	e := s.Enum(f.Type)
	if e == nil {
		return ""
	}
	f.Enum = e
	// Only enum columns map: other columns (text, a SET, whose members
	// are a list's elements) store the names themselves.
	var values []string
	if c.EnumType != "" || strings.EqualFold(c.DataType, "enum") {
		values = c.EnumValues
	}
	names, _ := EnumNames(values)
	byName := make(map[string]string, len(names))
	for i, n := range names {
		byName[n] = values[i]
	}
	var stored []string
	for i, v := range e.Values {
		if text, ok := byName[v]; ok && text != v {
			if stored == nil {
				stored = append([]string(nil), e.Values...)
			}
			stored[i] = text
		}
	}
	if first, ok := bound[e]; ok {
		if !slices.Equal(stored, e.Stored) {
			return fmt.Sprintf("enum %s is shared with column %s, whose database values differ from those of column %s; give each its own enum", e.Name, first, column)
		}
		return ""
	}
	bound[e] = column
	e.Stored = stored
	return ""
}
