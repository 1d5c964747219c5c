package schema

import (
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
)

// proposeIndexes gives m a secondary index per index of the table that
// can serve one (introspect.Table.Indexes, read for `generate
// --propose-indexes`): its first column is the partition key and the
// following ones, as far as they order as values, the sort keys. Indexes
// led by the primary key are left out (get and list already use them), as
// are repeats of the same fields. The names are the reference's defaults:
// data-schema's query field (list<Model>By<Field>And<Sort>...) and the
// index transformer's index name.
func proposeIndexes(m *Model, t *introspect.Table, byColumn map[string]string) {
	seen := map[string]bool{}
	for _, ix := range t.Indexes {
		var fields []string
		for _, c := range ix.Columns {
			f := m.Field(byColumn[c])
			if f == nil || f.IsList || f.Type == AWSJSON || (len(fields) > 0 && f.IsEnum) {
				break
			}
			fields = append(fields, f.Name)
		}
		if len(fields) == 0 {
			continue
		}
		if len(m.PrimaryKey) > 0 && fields[0] == m.PrimaryKey[0] {
			continue
		}
		k := strings.Join(fields, "\x00")
		if seen[k] {
			continue
		}
		seen[k] = true
		query := "list" + UpperFirst(m.Name) + "By"
		for i, f := range fields {
			if i > 0 {
				query += "And"
			}
			query += UpperFirst(f)
		}
		m.Indexes = append(m.Indexes, &Index{Name: DefaultIndexName(m.Name, fields), Field: fields[0], SortKeys: fields[1:], QueryField: query})
	}
}
