package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
)

// typeMap is how one engine's column types become GraphQL types.
type typeMap struct {
	scalar  func(introspect.Column) string
	isList  func(introspect.Column) bool
	isInt64 func(introspect.Column) bool
}

// typeMapFor is the one place that picks an engine's type mapping.
func typeMapFor(engine string) (typeMap, error) {
	switch engine {
	case introspect.EnginePostgres:
		return typeMap{postgresType, postgresIsList, postgresIsInt64}, nil
	case introspect.EngineMySQL:
		return typeMap{mysqlType, mysqlIsList, mysqlIsInt64}, nil
	case introspect.EngineSQLite:
		return typeMap{sqliteType, sqliteIsList, sqliteIsInt64}, nil
	}
	return typeMap{}, fmt.Errorf("schema: unknown engine %q", engine)
}

// FromCatalog builds the IR for a catalog: one model per table or view
// that has a key, fields in column order, enums, and relationships inferred
// from foreign keys. Relations it cannot serve are listed in Skipped.
func FromCatalog(cat *introspect.Catalog, db Database) (*Schema, error) {
	tm, err := typeMapFor(cat.Engine)
	if err != nil {
		return nil, err
	}
	db.Engine = cat.Engine
	s := &Schema{Database: db}
	b := builder{s: s, tm: tm, cat: cat, taken: reservedTypeNames(), byTable: map[TableRef]*Model{}}
	if len(cat.Schemas) > 0 {
		b.defaultSchema = cat.Schemas[0]
	}
	for i := range cat.Tables {
		b.addModel(&cat.Tables[i])
	}
	for i := range cat.Tables {
		b.addRelationships(&cat.Tables[i])
	}
	return s, nil
}

// reservedTypeNames are names a model or enum may not take: the root types
// and the scalars. A table named "Query" becomes model Query2.
func reservedTypeNames() map[string]bool {
	r := map[string]bool{"Query": true, "Mutation": true, "Subscription": true}
	for _, n := range []string{ID, String, Int, Float, Boolean, AWSDate, AWSTime, AWSDateTime,
		AWSTimestamp, AWSJSON, AWSEmail, AWSURL, AWSPhone, AWSIPAddress} {
		r[n] = true
	}
	return r
}

type builder struct {
	s             *Schema
	tm            typeMap
	cat           *introspect.Catalog
	defaultSchema string
	taken         map[string]bool // type names in use: models and enums
	byTable       map[TableRef]*Model
}

func (b *builder) ref(schema, table string) TableRef {
	if schema == b.defaultSchema {
		schema = ""
	}
	return TableRef{Schema: schema, Name: table}
}

func (b *builder) display(r TableRef) string {
	if r.Schema == "" {
		return r.Name
	}
	return r.Schema + "." + r.Name
}

// uniqueTypeName returns base, or base with a number appended, so that no
// two models or enums share a name.
func (b *builder) uniqueTypeName(base string) string {
	name := base
	for i := 2; b.taken[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	b.taken[name] = true
	return name
}

func (b *builder) addModel(t *introspect.Table) {
	ref := b.ref(t.Schema, t.Name)
	key := t.PrimaryKey
	if len(key) == 0 && !t.IsView() {
		key = notNullUnique(t)
	}
	if len(key) == 0 {
		b.s.Skipped = append(b.s.Skipped, skipReason(b.display(ref), t))
		return
	}
	base := SanitizeName(t.Name, "Model")
	if ref.Schema != "" && b.taken[base] {
		base = SanitizeName(ref.Schema+"_"+t.Name, "Model")
	}
	m := &Model{Name: b.uniqueTypeName(base), Table: ref, Kind: t.Kind, Comment: t.Comment}
	fieldNames := map[string]bool{}
	byColumn := map[string]string{}
	for _, c := range t.Columns {
		name := SanitizeName(c.Name, "field")
		for i := 2; fieldNames[name]; i++ {
			name = SanitizeName(c.Name, "field") + "_" + strconv.Itoa(i)
		}
		fieldNames[name] = true
		byColumn[c.Name] = name
		m.Fields = append(m.Fields, b.field(m, t, c, name))
	}
	for _, col := range key {
		m.PrimaryKey = append(m.PrimaryKey, byColumn[col])
	}
	m.UniqueColumns = enforcedUniques(t)
	proposeIndexes(m, t, byColumn)
	b.s.Models = append(b.s.Models, m)
	b.byTable[ref] = m
}

func (b *builder) field(m *Model, t *introspect.Table, c introspect.Column, name string) *Field {
	f := &Field{
		Name:        name,
		Column:      c.Name,
		Type:        b.tm.scalar(c),
		IsList:      b.tm.isList(c),
		Required:    !c.Nullable,
		DBGenerated: c.AutoIncrement,
		ReadOnly:    c.Generated,
		Int64:       b.tm.isInt64(c),
		Default:     c.Default,
		Comment:     c.Comment,
		NativeType:  c.ColumnType,
		DBType:      c.DataType,
	}
	isEnum := c.EnumType != "" || strings.EqualFold(c.DataType, "enum")
	if !isEnum || len(c.EnumValues) == 0 {
		return f
	}
	// Values that are not GraphQL names (PG-13, so-so) are served under
	// sanitised names; the enum keeps the stored text for each.
	e, notes := newEnum(b.uniqueTypeName(PascalCase(t.Name, c.Name)), c.EnumValues)
	for _, n := range notes {
		b.s.Notes = append(b.s.Notes, fmt.Sprintf("%s.%s: %s", b.display(m.Table), c.Name, n))
	}
	b.s.Enums = append(b.s.Enums, e)
	f.Enum = e
	f.Type, f.IsEnum = e.Name, true
	return f
}

// enforcedUniques returns the column sets t's constraints and unique
// indexes keep unique (Model.UniqueColumns).
func enforcedUniques(t *introspect.Table) [][]string {
	var out [][]string
	if len(t.PrimaryKey) > 0 {
		out = append(out, t.PrimaryKey)
	}
	return append(out, t.Uniques...)
}

// notNullUnique returns the first unique column set whose columns are all
// NOT NULL: it identifies rows as well as a primary key does.
func notNullUnique(t *introspect.Table) []string {
	for _, u := range t.Uniques {
		ok := true
		for _, col := range u {
			if c := t.Column(col); c == nil || c.Nullable {
				ok = false
			}
		}
		if ok {
			return u
		}
	}
	return nil
}

func skipReason(name string, t *introspect.Table) Skipped {
	sk := Skipped{Table: name, Kind: t.Kind}
	if t.IsView() {
		sk.Reason = "a view has no primary key, so rows cannot be told apart"
		sk.Fix = "serve the table it reads from, or read it through a custom SQL query"
		return sk
	}
	sk.Reason = "no primary key and no unique key on NOT NULL columns"
	sk.Fix = fmt.Sprintf("add one, e.g. ALTER TABLE %s ADD PRIMARY KEY (<columns>)", name)
	return sk
}

// addRelationships infers relationships from t's foreign keys: belongsTo
// on t, and hasMany (or hasOne, where the foreign key columns are unique in
// t) on the referenced model. Names follow one rule, documented in the
// README:
//
//   - belongsTo: a single foreign key column named <x>_id, <x>Id or <x>ID
//     gives <x>; any other single column <c> gives <c>_<Target>; several
//     columns give <Target>.
//   - hasMany: Plural(<Child>); hasOne: <Child>; when the child has several
//     foreign keys to the same parent, _by_<columns> is appended.
//
// A name already taken by a field or another relationship gets
// _by_<columns> appended, then a number.
func (b *builder) addRelationships(t *introspect.Table) {
	child := b.byTable[b.ref(t.Schema, t.Name)]
	if child == nil {
		return
	}
	fks := append([]introspect.ForeignKey(nil), t.ForeignKeys...)
	sort.SliceStable(fks, func(i, j int) bool { return fks[i].Name < fks[j].Name })
	toParent := map[TableRef]int{}
	for _, fk := range fks {
		toParent[b.ref(b.fkSchema(t, fk), fk.RefTable)]++
	}
	for _, fk := range fks {
		pref := b.ref(b.fkSchema(t, fk), fk.RefTable)
		parent := b.byTable[pref]
		if parent == nil {
			continue
		}
		refs, ok := b.referenceFields(child, parent, fk)
		if !ok {
			b.s.Notes = append(b.s.Notes, fmt.Sprintf(
				"%s: foreign key %s references columns of %s that are not its key, so no relationship is inferred (declare one in resource.graphql)",
				b.display(child.Table), fk.Name, b.display(parent.Table)))
			continue
		}
		by := "_by_" + strings.Join(refs, "_")

		var bt string
		if len(fk.Columns) == 1 {
			col := refs[0]
			if base, ok := trimIDSuffix(col); ok {
				bt = base
			} else {
				bt = col + "_" + parent.Name
			}
		} else {
			bt = parent.Name
		}
		child.Relationships = append(child.Relationships, &Relationship{
			Name: freeName(child, bt, by), Kind: BelongsTo, Target: parent.Name,
			References: refs, Inferred: true, ForeignKey: fk.Name,
		})

		kind, back := HasMany, Plural(child.Name)
		if isUnique(t, fk.Columns) {
			kind, back = HasOne, child.Name
		}
		if toParent[pref] > 1 {
			back += by
		}
		parent.Relationships = append(parent.Relationships, &Relationship{
			Name: freeName(parent, back, by), Kind: kind, Target: child.Name,
			References: refs, Inferred: true, ForeignKey: fk.Name,
		})
	}
}

func (b *builder) fkSchema(t *introspect.Table, fk introspect.ForeignKey) string {
	if fk.RefSchema != "" {
		return fk.RefSchema
	}
	return t.Schema
}

// referenceFields returns the child's field names for fk's columns, ordered
// as the parent's primary key, which is what `references` pairs them with.
func (b *builder) referenceFields(child, parent *Model, fk introspect.ForeignKey) ([]string, bool) {
	if len(fk.RefColumns) != len(parent.PrimaryKey) {
		return nil, false
	}
	refs := make([]string, len(parent.PrimaryKey))
	for i, pk := range parent.PrimaryKey {
		pcol := parent.Field(pk).Column
		j := indexOf(fk.RefColumns, pcol)
		if j < 0 {
			return nil, false
		}
		f := fieldByColumn(child, fk.Columns[j])
		if f == nil {
			return nil, false
		}
		refs[i] = f.Name
	}
	return refs, true
}

func isUnique(t *introspect.Table, cols []string) bool {
	sets := append([][]string{t.PrimaryKey}, t.Uniques...)
	for _, u := range sets {
		if len(u) == len(cols) && len(u) > 0 && sameSet(u, cols) {
			return true
		}
	}
	return false
}

func sameSet(a, b []string) bool {
	for _, x := range a {
		if indexOf(b, x) < 0 {
			return false
		}
	}
	return true
}

// trimIDSuffix strips a trailing _id, Id or ID ("artist_id" → "artist",
// "ArtistId" → "Artist").
func trimIDSuffix(col string) (string, bool) {
	for _, suf := range []string{"_id", "_ID", "Id", "ID"} {
		if base, ok := strings.CutSuffix(col, suf); ok && base != "" && !strings.HasSuffix(base, "_") {
			return base, true
		}
	}
	return "", false
}

// freeName returns name, or name+by, or that with a number appended:
// whichever is the first not used by a field or relationship of m.
func freeName(m *Model, name, by string) string {
	used := func(n string) bool { return m.Field(n) != nil || m.Relationship(n) != nil }
	if !used(name) {
		return name
	}
	if !strings.HasSuffix(name, by) {
		name += by
	}
	base := name
	for i := 2; used(name); i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	return name
}

func fieldByColumn(m *Model, col string) *Field {
	for _, f := range m.Fields {
		if f.Column == col {
			return f
		}
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
