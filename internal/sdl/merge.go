package sdl

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// Merge applies the customisation files of doc (doc.Custom) to a copy of
// base, which is the generated schema (Document.Base) or any IR built
// from the database; base itself is never changed. When base has no
// models, the files may declare models in full (`type X @model ...`), as
// transform() writes them for a schema defined in TypeScript.
//
// Customisations are applied in an order that lets every reference use a
// model's or field's old or new name: declarations first (so every type
// name is known), then renames, then everything else; checks that need
// final names (relationship keys, the fields auth rules read) come last.
func Merge(base *schema.Schema, doc *Document) (*schema.Schema, error) {
	s, err := clone(base)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		doc = &Document{}
	}
	m := newMerger(s, doc)
	declareModels := len(s.Models) == 0
	for _, src := range doc.Custom {
		m.declareTypes(src.Doc)
	}
	for _, src := range doc.Custom {
		m.declareModels(src.Doc, declareModels)
	}
	m.captureTypes()
	for _, src := range doc.Custom {
		for _, def := range src.Doc.Extensions {
			m.renames(def)
		}
	}
	m.fixup()
	for _, src := range doc.Custom {
		m.customise(src)
	}
	m.check()
	if err := m.c.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// clone deep-copies s through JSON: the IR is plain exported data, and a
// copy made this way cannot miss a field added to the IR later.
func clone(s *schema.Schema) (*schema.Schema, error) {
	if s == nil {
		return &schema.Schema{}, nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("copy schema: %w", err)
	}
	var out schema.Schema
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copy schema: %w", err)
	}
	return &out, nil
}

// merger holds the state of one Base or Merge call.
type merger struct {
	c        collector
	s        *schema.Schema
	readFile func(string) ([]byte, error)

	// modelAlias maps each renamed model's old name to its new one, and
	// fieldAlias does the same per model for fields and relationships,
	// so that anything may refer to either name. Renames never make a
	// name ambiguous (see rename), so one lookup is enough.
	modelAlias map[string]string
	fieldAlias map[*schema.Model]map[string]string
	// genType holds each field's type as the generated file writes it,
	// captured before renames: `extend type` must repeat it exactly.
	genType map[*schema.Field]string
	// once records where each one-off customisation was given, to report
	// one given twice.
	once map[onceKey]*ast.Position
	// typeDefs links custom types to their definitions, whose fields are
	// read once every type name is known.
	typeDefs map[*ast.Definition]*schema.CustomType
	// rels and ruleSites are checked when every name is final.
	rels      []relSite
	ruleSites []ruleSite
	// indexes are the @index directives read, checked likewise.
	indexes []indexSite
}

type onceKey struct {
	what   string
	target any
}

// relSite is a relationship to check, and where it is written.
type relSite struct {
	model *schema.Model
	rel   *schema.Relationship
	pos   *ast.Position
}

// ruleSite is a set of auth rules whose ownerField and groupsField must
// name fields of model (every model using the global rules, when nil).
// rules shares its array with the IR, so resolving a field's old name to
// its new one updates the IR.
type ruleSite struct {
	rules []schema.AuthRule
	pos   []*ast.Position
	model *schema.Model
}

func newMerger(s *schema.Schema, doc *Document) *merger {
	m := &merger{
		s:          s,
		readFile:   os.ReadFile,
		modelAlias: map[string]string{},
		fieldAlias: map[*schema.Model]map[string]string{},
		genType:    map[*schema.Field]string{},
		once:       map[onceKey]*ast.Position{},
		typeDefs:   map[*ast.Definition]*schema.CustomType{},
	}
	if doc != nil && doc.ReadFile != nil {
		m.readFile = doc.ReadFile
	}
	return m
}

// first records that what was given at pos for target, and returns where
// it was given before, or nil the first time.
func (m *merger) first(what string, target any, pos *ast.Position) (*ast.Position, bool) {
	k := onceKey{what, target}
	if prev, dup := m.once[k]; dup {
		return prev, true
	}
	m.once[k] = pos
	return nil, false
}

// model finds a model by its current or old name.
func (m *merger) model(name string) *schema.Model {
	if mo := m.s.Model(name); mo != nil {
		return mo
	}
	if to, ok := m.modelAlias[name]; ok {
		return m.s.Model(to)
	}
	return nil
}

// member finds a field or relationship of mo by its current or old name.
func (m *merger) member(mo *schema.Model, name string) (*schema.Field, *schema.Relationship) {
	if to, ok := m.fieldAlias[mo][name]; ok && mo.Field(name) == nil && mo.Relationship(name) == nil {
		name = to
	}
	if f := mo.Field(name); f != nil {
		return f, nil
	}
	return nil, mo.Relationship(name)
}

// fieldName returns the current name of mo's field called name (which may
// be its old name); an unknown name comes back unchanged for the checks
// to report.
func (m *merger) fieldName(mo *schema.Model, name string) string {
	if f, _ := m.member(mo, name); f != nil {
		return f.Name
	}
	return name
}

// nameOwner describes what already uses a type name, or returns "".
func (m *merger) nameOwner(name string) string {
	switch {
	case isScalar(name):
		return "the scalar " + name
	case isRoot(name):
		return "the root type " + name
	}
	if mo := m.model(name); mo != nil {
		return "model " + mo.Name
	}
	if m.s.Enum(name) != nil {
		return "enum " + name
	}
	if m.s.Type(name) != nil {
		return "custom type " + name
	}
	return ""
}

func (m *merger) modelNames() []string {
	var names []string
	for _, mo := range m.s.Models {
		names = append(names, mo.Name)
	}
	for old := range m.modelAlias {
		names = append(names, old)
	}
	return names
}

func memberNames(mo *schema.Model) []string {
	var names []string
	for _, f := range mo.Fields {
		names = append(names, f.Name)
	}
	for _, r := range mo.Relationships {
		names = append(names, r.Name)
	}
	return names
}

// captureTypes records every field's generated type before renames.
func (m *merger) captureTypes() {
	for _, mo := range m.s.Models {
		for _, f := range mo.Fields {
			m.genType[f] = FieldType(mo, f)
		}
	}
}

// renames applies the @rename directives of an `extend type` of a model.
func (m *merger) renames(def *ast.Definition) {
	if def.Kind != ast.Object || isRoot(def.Name) {
		return
	}
	mo := m.model(def.Name)
	if mo == nil {
		return // customise reports it
	}
	if d := def.Directives.ForName(dirRename); d != nil {
		m.renameModel(mo, def.Name, d)
	}
	for _, fd := range def.Fields {
		d := fd.Directives.ForName(dirRename)
		if d == nil || relDirective(fd) != nil {
			continue // customise reports @rename on a new relationship
		}
		switch f, r := m.member(mo, fd.Name); {
		case f != nil:
			m.renameMember(mo, f, &f.Name, fd.Name, d)
		case r != nil:
			m.renameMember(mo, r, &r.Name, fd.Name, d)
		}
	}
}

// renameTo reads @rename(to:).
func (m *merger) renameTo(d *ast.Directive) (string, bool) {
	v := m.c.args(d, "to")["to"]
	if v == nil {
		m.c.add(d.Position, `write @rename(to: "NewName")`, "@rename needs to")
		return "", false
	}
	to, ok := m.c.str(v, "@rename(to:)")
	if !ok {
		return "", false
	}
	if !schema.IsGraphQLName(to) || strings.HasPrefix(to, "__") {
		m.c.add(v.Position, "a name is letters, digits and _, does not start with a digit or with __",
			"@rename(to: %s): %s is not a GraphQL name", Quote(to), Quote(to))
		return "", false
	}
	return to, true
}

// renameModel renames mo (written as written). A new name may not be any other model's current
// or old name, so that every name refers to one model.
func (m *merger) renameModel(mo *schema.Model, written string, d *ast.Directive) {
	if prev, dup := m.first("rename", mo, d.Position); dup {
		m.c.add(d.Position, "first renamed at "+loc(prev), "model %s is renamed twice", written)
		return
	}
	to, ok := m.renameTo(d)
	if !ok {
		return
	}
	if to == mo.Name {
		return
	}
	if owner := m.nameOwner(to); owner != "" {
		m.c.add(d.Position, "pick another name", "cannot rename model %s to %s: the name is taken by %s", mo.Name, to, owner)
		return
	}
	m.modelAlias[mo.Name] = to
	mo.Name = to
}

// renameMember renames a field or relationship of mo, written as
// written; name points at its Name. A new name may not be any other
// field's current or old name.
func (m *merger) renameMember(mo *schema.Model, target any, name *string, written string, d *ast.Directive) {
	if prev, dup := m.first("rename", target, d.Position); dup {
		m.c.add(d.Position, "first renamed at "+loc(prev), "field %s of %s is renamed twice", written, mo.Name)
		return
	}
	to, ok := m.renameTo(d)
	if !ok {
		return
	}
	if to == *name {
		return
	}
	if f, r := m.member(mo, to); f != nil || r != nil {
		m.c.add(d.Position, "pick another name", "cannot rename field %s of %s to %s: %s already has a field %s", *name, mo.Name, to, mo.Name, to)
		return
	}
	if m.fieldAlias[mo] == nil {
		m.fieldAlias[mo] = map[string]string{}
	}
	m.fieldAlias[mo][*name] = to
	*name = to
}

// fixup rewrites the names that keys and relationships hold after renames.
func (m *merger) fixup() {
	for _, mo := range m.s.Models {
		for i, k := range mo.PrimaryKey {
			mo.PrimaryKey[i] = m.fieldName(mo, k)
		}
		for _, r := range mo.Relationships {
			target := m.model(r.Target)
			if target == nil {
				continue // the checks report it
			}
			child := mo
			if r.Kind != schema.BelongsTo {
				child = target
			}
			for i, ref := range r.References {
				r.References[i] = m.fieldName(child, ref)
			}
			r.Target = target.Name
		}
		m.fixupIndexes(mo)
	}
}

// customise applies one file's customisations other than renames.
func (m *merger) customise(src *Source) {
	for _, ext := range src.Doc.SchemaExtension {
		ds := m.c.directives(ext.Directives, "extend schema", false, dirAuth, dirAuthModes)
		if d := ds[dirAuthModes]; d != nil {
			if prev, dup := m.first("authorization modes", nil, d.Position); dup {
				m.c.add(d.Position, "first given at "+loc(prev)+"; configure every mode there", "authorization modes are given twice")
			} else {
				m.s.Modes = m.c.authModes(d)
			}
		}
		if d := ds[dirAuth]; d != nil {
			if prev, dup := m.first("global rules", nil, d.Position); dup {
				m.c.add(d.Position, "first given at "+loc(prev)+"; list every global rule there", "global rules are given twice")
			} else {
				m.s.Auth, m.ruleSites = m.rulesAt(d, levelGlobal, nil)
			}
		}
		if len(ext.OperationTypes) > 0 {
			m.c.add(ext.Position, "the root types are always Query and Mutation", "extend schema { ... } is not supported")
		}
	}
	for _, def := range src.Doc.Definitions {
		switch {
		case def.Kind == ast.Object && (def.Name == "Query" || def.Name == "Mutation"):
			m.operations(src, def)
		case def.Kind == ast.Object && def.Name == "Subscription":
			m.subscriptions(def)
		case m.typeDefs[def] != nil:
			m.customTypeFields(def, m.typeDefs[def])
		}
	}
	for _, def := range src.Doc.Extensions {
		if def.Kind != ast.Object {
			continue // declareTypes reports it
		}
		if def.Name == "Query" || def.Name == "Mutation" {
			m.operations(src, def)
			continue
		}
		if def.Name == "Subscription" {
			m.subscriptions(def)
			continue
		}
		if mo := m.model(def.Name); mo != nil {
			m.extendModel(def, mo)
			continue
		}
		if m.s.Type(def.Name) != nil {
			m.c.add(def.Position, "declare all its fields in the type itself", "extend type %s: %s is a custom type", def.Name, def.Name)
			continue
		}
		hint := suggest(def.Name, m.modelNames())
		if hint == "" {
			hint = "extend type customises a model of the generated schema"
		}
		m.c.add(def.Position, hint, "extend type %s: there is no model %s", def.Name, def.Name)
	}
}

// rulesAt reads @auth and queues the rules' field names for checking; it
// returns the rules and m.ruleSites with the new site added (the caller
// stores both, which keeps the IR and the site on one array).
func (m *merger) rulesAt(d *ast.Directive, level ruleLevel, mo *schema.Model) ([]schema.AuthRule, []ruleSite) {
	rules, pos := m.c.rules(d, level)
	if level == levelOperation {
		return rules, m.ruleSites
	}
	return rules, append(m.ruleSites, ruleSite{rules: rules, pos: pos, model: mo})
}

// extendModel applies `extend type X` to model mo.
func (m *merger) extendModel(def *ast.Definition, mo *schema.Model) {
	ds := m.c.directives(def.Directives, "extend type "+def.Name, false, dirAuth, dirRename, dirModel)
	if len(def.Interfaces) > 0 {
		m.c.add(def.Position, "", "models cannot implement interfaces")
	}
	if d := ds[dirAuth]; d != nil {
		if prev, dup := m.first("auth", mo, d.Position); dup {
			m.c.add(d.Position, "first given at "+loc(prev)+"; list every rule there", "rules of model %s are given twice", mo.Name)
		} else {
			mo.Auth, m.ruleSites = m.rulesAt(d, levelModel, mo)
		}
	}
	if d := ds[dirModel]; d != nil {
		mo.Disabled = m.modelArgs(d, mo.Disabled)
	}
	for _, fd := range def.Fields {
		m.extendField(mo, fd)
	}
}

// extendField applies one field of `extend type`: customising an existing
// field or relationship, or declaring a relationship.
func (m *merger) extendField(mo *schema.Model, fd *ast.FieldDefinition) {
	where := "field " + fd.Name + " of " + mo.Name
	if len(fd.Arguments) > 0 {
		m.c.add(fd.Position, "", "%s: model fields take no arguments", where)
	}
	f, r := m.member(mo, fd.Name)
	if d := relDirective(fd); d != nil {
		m.declareRelationship(mo, fd, r, f != nil)
		return
	}
	switch {
	case f != nil:
		rest, index := splitIndex(fd.Directives)
		ds := m.c.directives(rest, where, false, dirRename, dirAuth)
		m.readIndexes(mo, f.Name, index)
		if got, want := fd.Type.String(), m.genType[f]; got != want {
			m.c.add(fd.Type.Position, "repeat the field as generated: "+fd.Name+": "+want,
				"field %s of %s is %s in the generated schema, not %s", fd.Name, mo.Name, want, got)
		}
		if d := ds[dirAuth]; d != nil {
			if prev, dup := m.first("auth", f, d.Position); dup {
				m.c.add(d.Position, "first given at "+loc(prev), "rules of %s are given twice", where)
			} else {
				f.Auth, m.ruleSites = m.rulesAt(d, levelField, mo)
			}
		}
	case r != nil:
		ds := m.c.directives(fd.Directives, where+" (a relationship)", false, dirRename)
		if d := ds[dirRename]; d != nil {
			// Renames are applied before relationships are declared, so
			// one declared in a customisation file cannot be renamed.
			if _, done := m.once[onceKey{"rename", r}]; !done {
				m.c.add(d.Position, "give the relationship the name you want where it is declared", "relationship %s of %s is declared in a customisation file and cannot be renamed", fd.Name, mo.Name)
			}
		}
		want := r.Target
		if r.Kind == schema.HasMany {
			want = "[" + want + "]"
		}
		named := fd.Type
		if r.Kind == schema.HasMany && named.Elem != nil {
			named = named.Elem
		}
		isList := fd.Type.Elem != nil
		if isList != (r.Kind == schema.HasMany) || named.Elem != nil || named.NonNull || fd.Type.NonNull || m.model(named.NamedType) != m.model(r.Target) {
			m.c.add(fd.Type.Position, "repeat the relationship as generated: "+fd.Name+": "+want,
				"relationship %s of %s is %s in the generated schema, not %s", fd.Name, mo.Name, want, fd.Type.String())
		}
	default:
		hint := suggest(fd.Name, memberNames(mo))
		if hint == "" {
			hint = "declare a relationship with @belongsTo, @hasOne or @hasMany(references: [...])"
		}
		m.c.add(fd.Position, hint, "model %s has no column %s; only relationships can be added", mo.Name, fd.Name)
	}
}

// declareRelationship adds a relationship from `extend type`, replacing
// an inferred one of the same name.
func (m *merger) declareRelationship(mo *schema.Model, fd *ast.FieldDefinition, existing *schema.Relationship, isColumn bool) {
	where := "relationship " + fd.Name + " of " + mo.Name
	ds := m.c.directives(fd.Directives, where, false, dirBelongsTo, dirHasOne, dirHasMany)
	if len(ds) > 1 {
		m.c.add(fd.Position, "keep one of @belongsTo, @hasOne, @hasMany", "%s has several relationship directives", where)
		return
	}
	switch {
	case isColumn:
		m.c.add(fd.Position, "name the relationship differently", "%s is a column of %s; a relationship needs a name no field uses", fd.Name, mo.Name)
		return
	case existing != nil && existing.Name != fd.Name:
		m.c.add(fd.Position, "declare the replacement as "+existing.Name, "relationship %s was renamed to %s", fd.Name, existing.Name)
		return
	case existing != nil && !existing.Inferred:
		m.c.add(fd.Position, "first declared at "+loc(m.relPos(existing)), "%s is declared twice", where)
		return
	}
	r := m.relationship(fd, relDirective(fd))
	if r == nil {
		return
	}
	target := m.model(r.Target)
	if target == nil {
		m.c.add(fd.Type.Position, suggest(r.Target, m.modelNames()), "%s: there is no model %s", where, r.Target)
		return
	}
	r.Target = target.Name
	child := mo
	if r.Kind != schema.BelongsTo {
		child = target
	}
	for i, ref := range r.References {
		r.References[i] = m.fieldName(child, ref)
	}
	replaced := false
	for i, old := range mo.Relationships {
		if old == existing {
			mo.Relationships[i], replaced = r, true
		}
	}
	if !replaced {
		mo.Relationships = append(mo.Relationships, r)
	}
	m.rels = append(m.rels, relSite{model: mo, rel: r, pos: fd.Position})
}

func (m *merger) relPos(r *schema.Relationship) *ast.Position {
	for _, site := range m.rels {
		if site.rel == r {
			return site.pos
		}
	}
	return nil
}

// relDirective returns fd's first relationship directive, or nil.
func relDirective(fd *ast.FieldDefinition) *ast.Directive {
	for _, d := range fd.Directives {
		switch d.Name {
		case dirBelongsTo, dirHasOne, dirHasMany:
			return d
		}
	}
	return nil
}

func isRoot(name string) bool {
	return name == "Query" || name == "Mutation" || name == "Subscription"
}

// scalarNames lists the GraphQL and AppSync scalars a field may have.
func scalarNames() []string {
	return []string{schema.ID, schema.String, schema.Int, schema.Float, schema.Boolean,
		schema.AWSDate, schema.AWSTime, schema.AWSDateTime, schema.AWSTimestamp, schema.AWSJSON,
		schema.AWSEmail, schema.AWSURL, schema.AWSPhone, schema.AWSIPAddress}
}

func isScalar(name string) bool { return slices.Contains(scalarNames(), name) }
