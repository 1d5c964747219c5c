package sdl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// dirIndex declares a secondary index on its partition key field:
// @index(name: "byVenue", sortKeyFields: ["date"], queryField:
// "listEventsByVenue"). It is repeatable, as in the reference, so it is
// read apart from the other directives (which may each be given once).
const dirIndex = "index"

// indexSite is an index read from a schema file, checked when every name
// is final.
type indexSite struct {
	model *schema.Model
	index *schema.Index
	pos   *ast.Position
	// sortPos is where sortKeyFields is written (pos when it is not).
	sortPos *ast.Position
}

// splitIndex separates a field's @index directives from its others.
func splitIndex(ds ast.DirectiveList) (rest ast.DirectiveList, index []*ast.Directive) {
	for _, d := range ds {
		if d.Name == dirIndex {
			index = append(index, d)
		} else {
			rest = append(rest, d)
		}
	}
	return rest, index
}

// readIndexes reads the @index directives of mo's field (named as
// written) and adds the indexes to mo. Names left out get the reference's
// defaults: the index is named after the model and its key fields, and so
// is its query field, unless queryField: null asks for none.
func (m *merger) readIndexes(mo *schema.Model, field string, ds []*ast.Directive) {
	for _, d := range ds {
		a := m.c.args(d, "name", "sortKeyFields", "queryField")
		x := &schema.Index{Field: field}
		site := indexSite{model: mo, index: x, pos: d.Position, sortPos: d.Position}
		if v := a["sortKeyFields"]; v != nil {
			x.SortKeys, _ = m.c.strList(v, "@index(sortKeyFields:)")
			site.sortPos = v.Position
		}
		if v := a["name"]; v != nil {
			if v.Kind == ast.NullValue {
				m.c.add(v.Position, "leave name out for the default one", "@index(name: null) is not allowed")
			} else {
				x.Name, _ = m.c.str(v, "@index(name:)")
			}
		}
		if x.Name == "" {
			x.Name = schema.DefaultIndexName(mo.Name, x.Fields())
		}
		switch v := a["queryField"]; {
		case v == nil:
			x.QueryField = schema.DefaultIndexName(mo.Name, x.Fields())
		case v.Kind == ast.NullValue:
			// an index without a query field: nothing to serve
		default:
			if q, ok := m.c.str(v, "@index(queryField:)"); ok {
				if !schema.IsGraphQLName(q) || strings.HasPrefix(q, "__") {
					m.c.add(v.Position, "a name is letters, digits and _, does not start with a digit or with __",
						"@index(queryField: %s): %s is not a GraphQL name", Quote(q), Quote(q))
				}
				x.QueryField = q
			}
		}
		mo.Indexes = append(mo.Indexes, x)
		m.indexes = append(m.indexes, site)
	}
}

// fixupIndexes rewrites the field names indexes hold after renames.
func (m *merger) fixupIndexes(mo *schema.Model) {
	for _, x := range mo.Indexes {
		x.Field = m.fieldName(mo, x.Field)
		for i, k := range x.SortKeys {
			x.SortKeys[i] = m.fieldName(mo, k)
		}
	}
}

// checkIndexes checks each index read: its sort key fields exist, are
// single values that order (AppSync's "cannot be a non-scalar"), and are
// not the partition field; names and query fields are not taken twice.
func (m *merger) checkIndexes() {
	for _, site := range m.indexes {
		mo, x := site.model, site.index
		what := fmt.Sprintf("@index %s of %s", Quote(x.Name), mo.Name)
		m.fixupIndexes(mo)
		if f := mo.Field(x.Field); f != nil && (f.IsList || f.Type == schema.AWSJSON) {
			m.c.add(site.pos, "an index's partition key is a single scalar or enum value", "%s: field %s is %s", what, x.Field, typeName(f))
		}
		for i, k := range x.SortKeys {
			f := mo.Field(k)
			switch {
			case f == nil:
				hint := suggest(k, memberNames(mo))
				if hint == "" {
					hint = "sortKeyFields names fields of " + mo.Name
				}
				m.c.add(site.sortPos, hint, "%s: sortKeyFields names %s, which is not a field of %s", what, k, mo.Name)
			case k == x.Field:
				m.c.add(site.sortPos, "the partition field is compared for equality; sort keys are the other fields", "%s: field %s cannot reference itself", what, k)
			case slices.Contains(x.SortKeys[:i], k):
				m.c.add(site.sortPos, "", "%s: sortKeyFields names %s twice", what, k)
			case f.IsList || f.Type == schema.AWSJSON:
				m.c.add(site.sortPos, "a sort key is a single scalar value", "%s: sort key %s is %s", what, k, typeName(f))
			case f.IsEnum:
				m.c.add(site.sortPos, "enums order by declaration on PostgreSQL and MySQL but by text on SQLite; sort by a scalar field",
					"%s: sort key %s is an enum, which Quarry cannot order the same way on every engine yet", what, k)
			}
		}
		for _, other := range mo.Indexes {
			if other != x && other.Name == x.Name && slices.Index(mo.Indexes, other) < slices.Index(mo.Indexes, x) {
				m.c.add(site.pos, "give each index of a model its own name", "%s: model %s has two indexes named %s", what, mo.Name, Quote(x.Name))
			}
		}
		if x.QueryField == "" {
			continue
		}
		for _, om := range m.s.Models {
			for _, other := range om.Indexes {
				if other != x && other.QueryField == x.QueryField && indexFirst(m.s, other, x) {
					m.c.add(site.pos, "give each index its own queryField", "%s: query field %s is also the query field of @index %s of %s",
						what, x.QueryField, Quote(other.Name), om.Name)
				}
			}
		}
	}
}

// indexFirst reports whether a comes before b in the schema's models'
// index lists, so that a clash is reported once, at the later index.
func indexFirst(s *schema.Schema, a, b *schema.Index) bool {
	for _, mo := range s.Models {
		for _, x := range mo.Indexes {
			switch x {
			case a:
				return true
			case b:
				return false
			}
		}
	}
	return false
}

// printIndexes writes the @index directives of f, in full: name and
// queryField are always written, so reading the file back gives the same
// indexes whatever the defaults.
func printIndexes(b *strings.Builder, m *schema.Model, f *schema.Field) {
	for _, x := range m.Indexes {
		if x.Field != f.Name {
			continue
		}
		fmt.Fprintf(b, " @index(name: %s", quote(x.Name))
		if len(x.SortKeys) > 0 {
			fmt.Fprintf(b, ", sortKeyFields: %s", quoteList(x.SortKeys))
		}
		if x.QueryField == "" {
			b.WriteString(", queryField: null)")
		} else {
			fmt.Fprintf(b, ", queryField: %s)", quote(x.QueryField))
		}
	}
}
