package codegen

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
)

// indexAttributes describes m's secondary indexes as amplify-codegen does
// (processIndex): a key attribute each, with the index's name, its query
// field and its fields (partition first). The client adds a method per
// attribute that has name and queryField (getSecondaryIndexesFromSchemaModel)
// and names a composite sort key's condition input after the name.
func indexAttributes(m *schema.Model) []any {
	var out []any
	for _, x := range m.Indexes {
		p := &object{}
		p.set("name", x.Name)
		if x.QueryField != "" {
			p.set("queryField", x.QueryField)
		}
		p.set("fields", strs(x.Fields()))
		out = append(out, attribute("key", p))
	}
	return out
}

// secondaryIndexes writes m's indexes as data-schema's .secondaryIndexes():
// name and queryField always, so that the default names of either side
// cannot differ.
func secondaryIndexes(m *schema.Model) string {
	if len(m.Indexes) == 0 {
		return ""
	}
	var items []string
	for _, x := range m.Indexes {
		s := "index(" + str(x.Field) + ")"
		if len(x.SortKeys) > 0 {
			q := make([]string, len(x.SortKeys))
			for i, k := range x.SortKeys {
				q[i] = str(k)
			}
			s += ".sortKeys([" + strings.Join(q, ", ") + "])"
		}
		s += ".name(" + str(x.Name) + ")"
		if x.QueryField != "" {
			s += ".queryField(" + str(x.QueryField) + ")"
		} else {
			s += ".queryField(null)"
		}
		items = append(items, "\n    "+s)
	}
	return fmt.Sprintf(".secondaryIndexes((index) => [%s\n  ])", strings.Join(items, ","))
}
