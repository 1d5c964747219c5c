package sdl

import (
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// generated reads the generated file: @database, models and enums, which
// is all Print writes.
func (m *merger) generated(src *Source) {
	doc := src.Doc
	for _, ext := range doc.SchemaExtension {
		ds := m.c.directives(ext.Directives, "the generated schema", false, dirDatabase)
		if d := ds[dirDatabase]; d != nil {
			if prev, dup := m.first("database", nil, d.Position); dup {
				m.c.add(d.Position, "first given at "+loc(prev), "@database is given twice")
			} else {
				m.database(d)
			}
		}
		if len(ext.OperationTypes) > 0 {
			m.c.add(ext.Position, "", "extend schema { ... } is not supported")
		}
	}
	m.unsupportedTopLevel(doc)
	for _, def := range doc.Extensions {
		m.c.add(def.Position, "put customisations in resource.graphql beside it: the generated file is rewritten on every generate",
			"the generated file holds models and enums only, not extend %s %s", kindWord(def.Kind), def.Name)
	}
	for _, def := range doc.Definitions {
		if def.Kind == ast.Enum {
			m.declareEnum(def)
		}
	}
	for _, def := range doc.Definitions {
		switch {
		case def.Kind == ast.Enum:
		case def.Kind == ast.Object && def.Directives.ForName(dirModel) != nil:
			m.declareModel(def, true)
		default:
			m.c.add(def.Position, "put it in resource.graphql beside the generated file",
				"the generated file holds models (@model) and enums only, not %s %s", kindWord(def.Kind), def.Name)
		}
	}
}

// database reads `extend schema @database(...)`.
func (m *merger) database(d *ast.Directive) {
	a := m.c.args(d, "identifier", "engine", "connectionUriSecret", "sslCertSecret")
	db := &m.s.Database
	for key, dst := range map[string]*string{"identifier": &db.Identifier, "engine": &db.Engine,
		"connectionUriSecret": &db.ConnectionURISecret, "sslCertSecret": &db.SSLCertSecret} {
		if v := a[key]; v != nil {
			*dst, _ = m.c.str(v, "@database("+key+":)")
		}
	}
	switch {
	case a["engine"] == nil:
		m.c.add(d.Position, `write engine: "postgresql", "mysql" or "sqlite"`, "@database needs engine")
	case a["engine"].Kind == ast.StringValue && !slices.Contains([]string{"postgresql", "mysql", "sqlite"}, db.Engine):
		m.c.add(a["engine"].Position, `engine is "postgresql", "mysql" or "sqlite"`, "unknown engine %s", Quote(db.Engine))
	}
	if a["connectionUriSecret"] == nil {
		m.c.add(d.Position, "name the secret that holds the connection URI, as given to quarry sandbox secret set",
			"@database needs connectionUriSecret")
	}
}

// unsupportedTopLevel reports the kinds of top-level definition that no
// Quarry schema file holds. Definitions of Quarry's own directives are
// accepted and ignored, so that a file may declare them for an editor.
func (m *merger) unsupportedTopLevel(doc *ast.SchemaDocument) {
	for _, sd := range doc.Schema {
		m.c.add(sd.Position, "Query and Mutation are always the root types", "schema { ... } is not supported")
	}
	for _, d := range doc.Directives {
		if !isKnownDirective(d.Name) {
			m.c.add(d.Position, "Quarry serves only its own directives", "custom directive @%s is not supported", d.Name)
		}
	}
	for _, d := range doc.DirectiveExtensions {
		m.c.add(d.Position, "", "extend directive @%s is not supported", d.Name)
	}
}

// declareTypes reads a customisation file's enums and custom types, so
// that their names are known before anything refers to them.
func (m *merger) declareTypes(doc *ast.SchemaDocument) {
	m.unsupportedTopLevel(doc)
	for _, def := range doc.Definitions {
		switch {
		case def.Kind == ast.Enum:
			m.declareEnum(def)
		case def.Kind != ast.Object:
			m.c.add(def.Position, "schema files hold models, enums, custom types (type) and Query/Mutation operations",
				"%s %s: %s definitions are not supported", kindWord(def.Kind), def.Name, kindWord(def.Kind))
		case isRoot(def.Name), def.Directives.ForName(dirModel) != nil:
			// operations and models come later
		default:
			m.declareCustomType(def)
		}
	}
	for _, def := range doc.Extensions {
		if def.Kind != ast.Object {
			m.c.add(def.Position, "only models and Query/Mutation can be extended", "extend %s %s is not supported", kindWord(def.Kind), def.Name)
		}
	}
}

// declareModels reads full model declarations (transform() output), which
// are accepted only when there is no generated schema.
func (m *merger) declareModels(doc *ast.SchemaDocument, allowed bool) {
	for _, def := range doc.Definitions {
		if def.Kind != ast.Object || isRoot(def.Name) || def.Directives.ForName(dirModel) == nil {
			continue
		}
		switch {
		case allowed || managedDecl(def):
			m.declareModel(def, false)
		case m.model(def.Name) != nil:
			m.c.add(def.Position, "customise it with extend type "+def.Name,
				"model %s is generated from the database and cannot be declared again", def.Name)
		default:
			m.c.add(def.Position, "create the table and run quarry generate schema-from-database again",
				"type %s @model: new models cannot be declared beside a generated schema", def.Name)
		}
	}
}

func (m *merger) declareEnum(def *ast.Definition) {
	if owner := m.nameOwner(def.Name); owner != "" {
		m.c.add(def.Position, "pick another name", "enum %s: the name is taken by %s", def.Name, owner)
		return
	}
	m.c.directives(def.Directives, "enum "+def.Name, false)
	e := &schema.Enum{Name: def.Name}
	for _, v := range def.EnumValues {
		m.c.directives(v.Directives, "enum value "+def.Name+"."+v.Name, false)
		switch {
		case v.Name == "true" || v.Name == "false" || v.Name == "null":
			m.c.add(v.Position, "GraphQL reserves true, false and null", "enum %s: %s cannot be an enum value", def.Name, v.Name)
		case slices.Contains(e.Values, v.Name):
			m.c.add(v.Position, "", "enum %s lists %s twice", def.Name, v.Name)
		default:
			e.Values = append(e.Values, v.Name)
		}
	}
	if len(def.EnumValues) == 0 {
		m.c.add(def.Position, "", "enum %s has no values", def.Name)
	}
	m.s.Enums = append(m.s.Enums, e)
}

func (m *merger) declareCustomType(def *ast.Definition) {
	if owner := m.nameOwner(def.Name); owner != "" {
		hint := "pick another name"
		if strings.HasPrefix(owner, "model ") {
			hint = "to customise the model write extend type " + def.Name
		}
		m.c.add(def.Position, hint, "type %s: the name is taken by %s", def.Name, owner)
		return
	}
	m.c.directives(def.Directives, "custom type "+def.Name, true)
	if len(def.Interfaces) > 0 {
		m.c.add(def.Position, "", "custom types cannot implement interfaces")
	}
	if len(def.Fields) == 0 {
		m.c.add(def.Position, "", "custom type %s has no fields", def.Name)
	}
	t := &schema.CustomType{Name: def.Name}
	m.s.Types = append(m.s.Types, t)
	m.typeDefs[def] = t
}

// declareModel reads a model declared in full: by the generated file
// (whose relationships are inferred from foreign keys) or by transform()
// output.
func (m *merger) declareModel(def *ast.Definition, inferred bool) {
	if owner := m.nameOwner(def.Name); owner != "" {
		m.c.add(def.Position, "pick another name", "model %s: the name is taken by %s", def.Name, owner)
		return
	}
	where := "model " + def.Name
	ds := m.c.directives(def.Directives, where, false, dirModel, dirAuth, dirRefersTo)
	if len(def.Interfaces) > 0 {
		m.c.add(def.Position, "", "models cannot implement interfaces")
	}
	mo := &schema.Model{Name: def.Name, Comment: def.Description, Table: schema.TableRef{Name: def.Name}, Managed: managedDecl(def)}
	if d := ds[dirModel]; d != nil {
		mo.Disabled = m.modelArgs(d, nil)
	}
	if d := ds[dirRefersTo]; d != nil {
		a := m.c.args(d, "name", "schema")
		if v := a["name"]; v != nil {
			mo.Table.Name, _ = m.c.str(v, "@refersTo(name:)")
		} else {
			m.c.add(d.Position, `write @refersTo(name: "table")`, "@refersTo needs name")
		}
		if v := a["schema"]; v != nil {
			mo.Table.Schema, _ = m.c.str(v, "@refersTo(schema:)")
		}
		// transform() renames a model (renameModels) but leaves the
		// relationships that name it under its table's name: let that
		// name find it, as the reference's transformer does.
		if mo.Table.Name != mo.Name && mo.Table.Name != "" {
			if _, taken := m.modelAlias[mo.Table.Name]; !taken {
				m.modelAlias[mo.Table.Name] = mo.Name
			}
		}
	}
	if d := ds[dirAuth]; d != nil {
		mo.Auth, m.ruleSites = m.rulesAt(d, levelModel, mo)
	}

	var keyAt *ast.Directive
	var sortKeys []string
	fieldAt := map[string]*ast.Position{}
	for _, fd := range def.Fields {
		if _, dup := fieldAt[fd.Name]; dup {
			m.c.add(fd.Position, "first at "+loc(fieldAt[fd.Name]), "model %s has two fields named %s", def.Name, fd.Name)
			continue
		}
		fieldAt[fd.Name] = fd.Position
		fwhere := "field " + fd.Name + " of " + def.Name
		if len(fd.Arguments) > 0 {
			m.c.add(fd.Position, "", "%s: model fields take no arguments", fwhere)
		}
		if relDirective(fd) != nil {
			ds := m.c.directives(fd.Directives, fwhere, false, dirBelongsTo, dirHasOne, dirHasMany)
			if len(ds) > 1 {
				m.c.add(fd.Position, "keep one of @belongsTo, @hasOne, @hasMany", "%s has several relationship directives", fwhere)
				continue
			}
			if r := m.relationship(fd, relDirective(fd)); r != nil {
				r.Inferred = inferred
				mo.Relationships = append(mo.Relationships, r)
				m.rels = append(m.rels, relSite{model: mo, rel: r, pos: fd.Position})
			}
			continue
		}
		rest, index := splitIndex(fd.Directives)
		ds := m.c.directives(rest, fwhere, false, dirPrimaryKey, dirDefault, dirRefersTo, dirAuth)
		f := &schema.Field{Name: fd.Name, Column: fd.Name, Comment: fd.Description}
		m.readIndexes(mo, fd.Name, index)
		m.columnType(fd, f, def.Name)
		if d := ds[dirRefersTo]; d != nil {
			if v := m.c.args(d, "name")["name"]; v != nil {
				f.Column, _ = m.c.str(v, "@refersTo(name:)")
			} else {
				m.c.add(d.Position, `write @refersTo(name: "column")`, "@refersTo needs name")
			}
		}
		if d := ds[dirDefault]; d != nil {
			// A bare @default marks a value the database fills in (an
			// identity, serial or computed column: the SDL does not tell
			// them apart); @default(value:) is a literal default.
			if v := m.c.args(d, "value")["value"]; v != nil {
				if s, ok := m.c.str(v, "@default(value:)"); ok {
					f.Default = &s
				}
			} else {
				f.DBGenerated = true
			}
		}
		if d := ds[dirPrimaryKey]; d != nil {
			if keyAt != nil {
				m.c.add(d.Position, "first at "+posOf(keyAt)+"; list the other key fields in sortKeyFields",
					"model %s has @primaryKey twice", def.Name)
			} else {
				keyAt = d
				mo.PrimaryKey = []string{f.Name}
				if v := m.c.args(d, "sortKeyFields")["sortKeyFields"]; v != nil {
					sortKeys, _ = m.c.strList(v, "@primaryKey(sortKeyFields:)")
				}
			}
		}
		if d := ds[dirAuth]; d != nil {
			f.Auth, m.ruleSites = m.rulesAt(d, levelField, mo)
		}
		mo.Fields = append(mo.Fields, f)
	}
	if mo.Managed {
		implicitFields(mo, keyAt == nil)
	} else if keyAt == nil {
		m.c.add(def.Position, "mark the key: id: Int! @primaryKey, or for several columns a: Int! @primaryKey(sortKeyFields: [\"b\"])",
			"model %s has no @primaryKey", def.Name)
	}
	for _, k := range sortKeys {
		switch f := mo.Field(k); {
		case f == nil:
			m.c.add(keyAt.Position, suggest(k, memberNames(mo)), "@primaryKey(sortKeyFields:) names %s, which is not a field of %s", k, def.Name)
		case slices.Contains(mo.PrimaryKey, k):
			m.c.add(keyAt.Position, "", "@primaryKey(sortKeyFields:) names %s twice in the key of %s", k, def.Name)
		default:
			mo.PrimaryKey = append(mo.PrimaryKey, k)
		}
	}
	for _, k := range mo.PrimaryKey {
		if f := mo.Field(k); !f.Required || f.IsList {
			m.c.add(fieldAt[k], "write "+k+": "+f.Type+"!", "key field %s of %s must be a non-null scalar", k, def.Name)
		}
	}
	m.s.Models = append(m.s.Models, mo)
}

// columnType reads a column field's type: [T!] is a list with required
// elements, as Print writes NOT NULL arrays; [T]! is taken the same way,
// as the IR has one flag for both.
func (m *merger) columnType(fd *ast.FieldDefinition, f *schema.Field, model string) {
	t := fd.Type
	f.Required = t.NonNull
	if t.Elem != nil {
		if t.Elem.Elem != nil {
			m.c.add(t.Position, "a column is a value or a list of values", "field %s of %s: lists of lists are not supported", fd.Name, model)
			return
		}
		f.IsList, f.Required = true, t.NonNull || t.Elem.NonNull
		t = t.Elem
	}
	name := t.NamedType
	switch {
	case isScalar(name):
		f.Type = name
	case m.s.Enum(name) != nil:
		f.Type, f.IsEnum = name, true
	case m.model(name) != nil:
		m.c.add(t.Position, "a relationship field needs @belongsTo, @hasOne or @hasMany(references: [...])",
			"field %s of %s has type %s, which is a model", fd.Name, model, name)
	default:
		hint := suggest(name, append(scalarNames(), m.enumNames()...))
		if hint == "" {
			hint = "a column's type is a scalar (String, Int, AWSDateTime, ...) or an enum"
		}
		m.c.add(t.Position, hint, "field %s of %s: unknown type %s", fd.Name, model, name)
	}
}

func (m *merger) enumNames() []string {
	var names []string
	for _, e := range m.s.Enums {
		names = append(names, e.Name)
	}
	return names
}

// relationship reads a relationship field as written; the caller
// resolves its target and references. It returns nil when the field's
// type does not have the relationship's shape.
func (m *merger) relationship(fd *ast.FieldDefinition, d *ast.Directive) *schema.Relationship {
	t := fd.Type
	if d.Name == schema.HasMany {
		if t.Elem == nil || t.Elem.Elem != nil || t.NonNull || t.Elem.NonNull {
			m.c.add(t.Position, "write "+fd.Name+": ["+t.Name()+"] @hasMany(...)",
				"a hasMany field's type is a list of the related model, not %s", t.String())
			return nil
		}
	} else if t.Elem != nil || t.NonNull {
		m.c.add(t.Position, "write "+fd.Name+": "+t.Name()+" @"+d.Name+"(...)",
			"a %s field's type is the related model, not %s", d.Name, t.String())
		return nil
	}
	r := &schema.Relationship{Name: fd.Name, Kind: d.Name, Target: t.Name()}
	v := m.c.args(d, "references")["references"]
	if v == nil {
		m.c.add(d.Position, `write @`+d.Name+`(references: ["field"]): the fields of the model that holds the foreign key`,
			"@%s needs references", d.Name)
		return nil
	}
	refs, ok := m.c.strList(v, "@"+d.Name+"(references:)")
	if !ok {
		return nil
	}
	if len(refs) == 0 {
		m.c.add(v.Position, "name the fields that hold the foreign key", "@%s(references:) is empty", d.Name)
		return nil
	}
	r.References = refs
	return r
}

// modelArgs reads @model's attributes: timestamps (always null for SQL
// models) and the coarse or fine switches that turn operations off. It
// returns disabled with the operations turned off added, in a fixed order.
func (m *merger) modelArgs(d *ast.Directive, disabled []string) []string {
	a := m.c.args(d, "timestamps", "queries", "mutations", "subscriptions")
	if v := a["timestamps"]; v != nil && v.Kind != ast.NullValue {
		m.c.add(v.Position, "write timestamps: null, or leave it out", "SQL models have no automatic timestamps")
	}
	off := map[string]bool{}
	for _, op := range disabled {
		off[op] = true
	}
	groups := []struct {
		key string
		ops []string
	}{
		{"queries", []string{"get", "list"}},
		{"mutations", []string{"create", "update", "delete"}},
		{"subscriptions", []string{"onCreate", "onUpdate", "onDelete"}},
	}
	for _, g := range groups {
		v := a[g.key]
		switch {
		case v == nil:
		case v.Kind == ast.NullValue:
			for _, op := range g.ops {
				off[op] = true
			}
		case v.Kind == ast.ObjectValue:
			for _, ch := range v.Children {
				switch {
				case !slices.Contains(g.ops, ch.Name):
					m.c.add(ch.Position, g.key+" takes "+strings.Join(g.ops, ", "), "unknown operation %s in @model(%s:)", ch.Name, g.key)
				case ch.Value.Kind != ast.NullValue:
					m.c.add(ch.Value.Position, "only null is accepted: it turns the operation off; generated operation names are fixed",
						"@model(%s: {%s: %s}) is not supported", g.key, ch.Name, ch.Value.String())
				default:
					off[ch.Name] = true
				}
			}
		default:
			m.c.add(v.Position, g.key+": null turns them all off, "+g.key+": {"+g.ops[0]+": null} one of them",
				"@model(%s:) must be null or an object, not %s", g.key, v.String())
		}
	}
	var out []string
	for _, op := range []string{"get", "list", "create", "update", "delete", "onCreate", "onUpdate", "onDelete"} {
		if off[op] {
			out = append(out, op)
		}
	}
	return out
}

func kindWord(k ast.DefinitionKind) string {
	switch k {
	case ast.Object:
		return "type"
	case ast.InputObject:
		return "input"
	}
	return strings.ToLower(string(k))
}

// managedDecl reports whether a model declaration is a managed model: a
// bare @model, with the reference's automatic timestamps (transform()
// writes @model(timestamps: null) for every SQL model).
func managedDecl(def *ast.Definition) bool {
	d := def.Directives.ForName(dirModel)
	return d != nil && d.Arguments.ForName("timestamps") == nil
}

// implicitFields adds what the reference adds to a managed model: an id
// (a UUID the server makes) when no key is declared, createdAt and
// updatedAt (filled by the server), and the owner field of each owner
// rule.
func implicitFields(mo *schema.Model, needsKey bool) {
	if needsKey && mo.Field("id") == nil {
		mo.Fields = append([]*schema.Field{{Name: "id", Column: "id", Type: schema.ID, Required: true}}, mo.Fields...)
		mo.PrimaryKey = []string{"id"}
	}
	for _, name := range []string{"createdAt", "updatedAt"} {
		if mo.Field(name) == nil {
			mo.Fields = append(mo.Fields, &schema.Field{Name: name, Column: name, Type: schema.AWSDateTime, Required: true})
		}
	}
	addOwnerFields(mo, mo.Auth)
}

// addOwnerFields adds to mo the owner field of each owner rule it lacks.
func addOwnerFields(mo *schema.Model, rules []schema.AuthRule) {
	for _, r := range rules {
		if r.Allow != "owner" {
			continue
		}
		name := r.OwnerField
		if name == "" {
			name = "owner"
		}
		if mo.Field(name) == nil {
			mo.Fields = append(mo.Fields, &schema.Field{Name: name, Column: name, Type: schema.String})
		}
	}
}
