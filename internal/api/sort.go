package api

import "github.com/quarrydata/quarry/internal/schema"

// Sortable reports whether a list can be ordered by f, which ModelXSortField
// then lists: scalars that compare as values. Lists and AWSJSON have no
// order worth the name, and enums order by declaration on PostgreSQL and
// MySQL (where ORDER BY and a comparison with text even disagree) but by
// text on SQLite.
func Sortable(f *schema.Field) bool {
	return !f.IsList && !f.IsEnum && f.Type != schema.AWSJSON
}

// sortInputName names m's ModelXSortInput, or is "" when none of m's
// fields can order a list.
func sortInputName(m *schema.Model) string {
	for _, f := range m.Fields {
		if Sortable(f) {
			return "Model" + schema.UpperFirst(m.Name) + "SortInput"
		}
	}
	return ""
}
