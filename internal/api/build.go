package api

import (
	"fmt"
	"slices"

	"github.com/quarrydata/quarry/internal/schema"
)

// defKind is the kind of a type definition.
type defKind int

const (
	objectDef defKind = iota
	inputDef
	enumDef
	scalarDef
	// builtinDef stands for a type the GraphQL prelude declares; it is
	// never printed, only there so that a model cannot take its name.
	builtinDef
)

// def is one type definition of the schema being built. The builder
// writes these rather than ast values because printing them is simpler
// than printing an AST, and gqlparser parses the printed text anyway.
type def struct {
	kind   defKind
	name   string
	desc   string
	fields []field  // objects and inputs
	values []string // enums
	// origin says who wanted the type, for collision errors.
	origin string
	// user marks the types that are printed even when nothing refers to
	// them: the roots, models, custom types, enums and scalars. Generated
	// inputs and connections are printed only when something uses them.
	user bool
}

// field is an object field or an input field.
type field struct {
	name      string
	desc      string
	args      []field // the arguments of an object field
	typ       string  // in GraphQL syntax: "ID!", "[Event]"
	directive string  // printed after the type, as is
}

// builder generates the definitions for one IR.
type builder struct {
	ir   *schema.Schema
	defs []*def
	// roots holds the root types; a type with no fields is left out.
	query, mutation, subscription *def
	// rootOrigin says who added each root field, for collision errors.
	rootOrigin map[*def]map[string]string
	out        *Schema
}

func newBuilder(ir *schema.Schema) *builder {
	b := &builder{
		ir:         ir,
		rootOrigin: map[*def]map[string]string{},
		out: &Schema{
			IR:            ir,
			Query:         map[string]Root{},
			Mutation:      map[string]Root{},
			Subscription:  map[string]Root{},
			Objects:       map[string]Object{},
			Relationships: map[FieldRef]*schema.Relationship{},
		},
	}
	for _, name := range []string{schema.ID, schema.String, schema.Int, schema.Float, schema.Boolean} {
		b.add(&def{kind: builtinDef, name: name, origin: "the built-in scalar " + name, user: true})
	}
	b.query = b.add(&def{kind: objectDef, name: "Query", origin: "the Query root type", user: true})
	b.mutation = b.add(&def{kind: objectDef, name: "Mutation", origin: "the Mutation root type", user: true})
	b.subscription = b.add(&def{kind: objectDef, name: "Subscription", origin: "the Subscription root type", user: true})
	return b
}

func (b *builder) add(d *def) *def {
	b.defs = append(b.defs, d)
	return d
}

// addRoot adds a root field and indexes it, refusing a name that is
// already taken.
func (b *builder) addRoot(root *def, f field, r Root, origin string) error {
	if b.rootOrigin[root] == nil {
		b.rootOrigin[root] = map[string]string{}
	}
	if prev, ok := b.rootOrigin[root][f.name]; ok {
		return fmt.Errorf("api: %s.%s would be defined twice: by %s and by %s; rename one of them", root.name, f.name, prev, origin)
	}
	b.rootOrigin[root][f.name] = origin
	root.fields = append(root.fields, f)
	switch root {
	case b.query:
		b.out.Query[f.name] = r
	case b.mutation:
		b.out.Mutation[f.name] = r
	case b.subscription:
		b.out.Subscription[f.name] = r
	}
	return nil
}

func (b *builder) build() error {
	for _, m := range b.ir.Models {
		if err := b.model(m); err != nil {
			return err
		}
	}
	for _, t := range b.ir.Types {
		b.customType(t)
	}
	for _, op := range b.ir.Queries {
		if err := b.customOp(b.query, CustomQuery, "custom query", op); err != nil {
			return err
		}
	}
	for _, op := range b.ir.Mutations {
		if err := b.customOp(b.mutation, CustomMutation, "custom mutation", op); err != nil {
			return err
		}
	}
	for _, op := range b.ir.Subscriptions {
		if err := b.customSubscription(op); err != nil {
			return err
		}
	}
	for _, e := range b.ir.Enums {
		b.enum(e)
	}
	b.shared()
	if len(b.query.fields) == 0 {
		return fmt.Errorf("api: nothing to query: the schema has no model with get or list enabled and no custom query")
	}
	return nil
}

// model generates the type, operations and inputs of one model.
func (b *builder) model(m *schema.Model) error {
	if err := b.checkModel(m); err != nil {
		return err
	}
	n := modelNamesFor(m)
	origin := "model " + m.Name
	enabled := func(k Kind) bool { return !slices.Contains(m.Disabled, string(k)) }

	// The object type: columns, then relationships.
	t := b.add(&def{kind: objectDef, name: n.typ, desc: m.Comment, origin: origin, user: true})
	for _, f := range m.Fields {
		t.fields = append(t.fields, field{name: f.Name, desc: f.Comment, typ: outputType(m, f)})
	}
	for _, r := range m.Relationships {
		target := b.ir.Model(r.Target)
		tn := modelNamesFor(target)
		f := field{name: r.Name, typ: tn.typ}
		if r.Kind == schema.HasMany {
			f.typ = tn.connection
			f.args = []field{
				{name: "filter", typ: tn.filter},
				{name: "sortDirection", typ: "ModelSortDirection"},
				{name: "limit", typ: "Int"},
				{name: "nextToken", typ: "String"},
			}
			if in := sortInputName(target); in != "" {
				f.args = append(f.args, field{name: "sortBy", typ: "[" + in + "!]"})
			}
		}
		t.fields = append(t.fields, f)
		b.out.Relationships[FieldRef{n.typ, r.Name}] = r
	}
	b.out.Objects[n.typ] = Object{Model: m}

	agg := b.aggregateTypes(m, origin)
	// The connection (a page of a list) and the inputs. Every one is
	// generated; print leaves out those no field uses (a model whose list
	// is disabled still needs its connection when another model's hasMany
	// returns it).
	b.add(&def{kind: objectDef, name: n.connection, origin: origin + " (connection)", fields: []field{
		{name: "items", typ: "[" + n.typ + "]!"},
		{name: "nextToken", typ: "String"},
		{name: "totalCount", typ: "Int!", desc: "How many items the filter, the key arguments and the caller's rules let through, on every page (a Quarry extension)."},
		{name: "aggregate", typ: agg.Result + "!", desc: "Aggregates of the items the filter, the key arguments and the caller's rules let through, on every page (a Quarry extension)."},
	}})
	b.out.Objects[n.connection] = Object{Model: m, Connection: true}
	b.inputs(m, n, origin)
	sortIn := b.sortInput(m, origin)

	// Root fields, in the order the transformer emits them.
	key := m.PrimaryKey
	pk := m.Field(key[0])
	if enabled(Get) {
		f := field{name: n.root[Get], typ: n.typ}
		for _, k := range key {
			kf := m.Field(k)
			f.args = append(f.args, field{name: kf.Name, typ: kf.Type + "!"})
		}
		if err := b.addRoot(b.query, f, Root{Kind: Get, Model: m}, "the get query of "+origin); err != nil {
			return err
		}
	}
	if enabled(List) {
		f := field{name: n.root[List], typ: n.connection, args: []field{{name: pk.Name, typ: pk.Type}}}
		skArg := sortKeyArg(key[1:])
		switch sk := key[1:]; len(sk) {
		case 0:
		case 1:
			sf := m.Field(sk[0])
			f.args = append(f.args, field{name: skArg, typ: keyConditionInput(sf.Type, sf.IsEnum)})
		default:
			f.args = append(f.args, field{name: skArg, typ: n.compositeKeyCondition})
		}
		f.args = append(f.args,
			field{name: "filter", typ: n.filter},
			field{name: "limit", typ: "Int"},
			field{name: "nextToken", typ: "String"},
			field{name: "sortDirection", typ: "ModelSortDirection"})
		if sortIn != "" {
			f.args = append(f.args, field{name: "sortBy", typ: "[" + sortIn + "!]",
				desc: "Orders the items by these fields, then by the primary key (a Quarry extension); the direction goes inside, not in sortDirection."})
		}
		if err := b.addRoot(b.query, f, Root{Kind: List, Model: m, SortKeyArg: skArg}, "the list query of "+origin); err != nil {
			return err
		}
		if err := b.aggregateRoot(m, agg, n.filter, origin); err != nil {
			return err
		}
	}
	if err := b.indexQueries(m, n, origin); err != nil {
		return err
	}
	for _, op := range []struct {
		kind  Kind
		input string
	}{{Create, n.create}, {Update, n.update}, {Delete, n.delete}} {
		if !enabled(op.kind) {
			continue
		}
		f := field{name: n.root[op.kind], typ: n.typ, args: []field{
			{name: "input", typ: op.input + "!"},
			{name: "condition", typ: n.condition},
		}}
		if err := b.addRoot(b.mutation, f, Root{Kind: op.kind, Model: m}, fmt.Sprintf("the %s mutation of %s", op.kind, origin)); err != nil {
			return err
		}
	}
	for _, op := range []struct{ kind, mutation Kind }{{OnCreate, Create}, {OnUpdate, Update}, {OnDelete, Delete}} {
		if !enabled(op.kind) {
			continue
		}
		// The mutation is named even when it is disabled: events then
		// come only from custom mutations, and AppSync's directive has
		// no other way to say so.
		f := field{name: n.root[op.kind], typ: n.typ,
			args:      []field{{name: "filter", typ: n.subFilter}},
			directive: fmt.Sprintf("@aws_subscribe(mutations: [%q])", n.root[op.mutation]),
		}
		if err := b.addRoot(b.subscription, f, Root{Kind: op.kind, Model: m}, fmt.Sprintf("the %s subscription of %s", op.kind, origin)); err != nil {
			return err
		}
	}
	return nil
}

// sortInput adds ModelXSortInput and the enum ModelXSortField of the
// fields a list can be ordered by (Sortable) and returns the input's
// name, or "" when no field can order. Like the other inputs it is
// printed only where a list or a hasMany uses it.
func (b *builder) sortInput(m *schema.Model, origin string) string {
	input := sortInputName(m)
	if input == "" {
		return ""
	}
	var names []string
	for _, f := range m.Fields {
		if Sortable(f) {
			names = append(names, f.Name)
		}
	}
	fieldEnum := "Model" + schema.UpperFirst(m.Name) + "SortField"
	b.add(&def{kind: enumDef, name: fieldEnum, values: names, origin: origin + " (sort fields)"})
	b.add(&def{kind: inputDef, name: input, origin: origin + " (sort input)", fields: []field{
		{name: "field", typ: fieldEnum + "!"},
		{name: "direction", typ: "ModelSortDirection"},
	}})
	return input
}

// checkModel refuses what the IR's validation should already have caught
// but would otherwise surface as a confusing schema error.
func (b *builder) checkModel(m *schema.Model) error {
	if len(m.PrimaryKey) == 0 {
		return fmt.Errorf("api: model %s has no primary key", m.Name)
	}
	for _, k := range m.PrimaryKey {
		f := m.Field(k)
		if f == nil {
			return fmt.Errorf("api: model %s: primary key field %s is not a field of the model", m.Name, k)
		}
		if f.IsList {
			return fmt.Errorf("api: model %s: primary key field %s is a list", m.Name, k)
		}
	}
	for _, f := range m.Fields {
		if !f.IsEnum && filterBase[f.Type] == "" {
			return fmt.Errorf("api: model %s: field %s has type %s, which is neither a scalar nor an enum", m.Name, f.Name, f.Type)
		}
		if f.IsEnum && b.ir.Enum(f.Type) == nil {
			return fmt.Errorf("api: model %s: field %s has enum type %s, which the schema does not define", m.Name, f.Name, f.Type)
		}
		// Filters list the fields beside their and/or/not combinators.
		if f.Name == "and" || f.Name == "or" || f.Name == "not" {
			return fmt.Errorf("api: model %s: field %q has the name of a filter combinator, so the model's filter inputs cannot hold it; rename the field", m.Name, f.Name)
		}
	}
	for _, r := range m.Relationships {
		if b.ir.Model(r.Target) == nil {
			return fmt.Errorf("api: model %s: relationship %s refers to model %s, which does not exist", m.Name, r.Name, r.Target)
		}
		if r.Kind != schema.BelongsTo && r.Kind != schema.HasMany && r.Kind != schema.HasOne {
			return fmt.Errorf("api: model %s: relationship %s has unknown kind %q", m.Name, r.Name, r.Kind)
		}
	}
	return nil
}

// inputs generates a model's mutation inputs, filters and key conditions.
func (b *builder) inputs(m *schema.Model, n modelNames, origin string) {
	isKey := func(f *schema.Field) bool { return slices.Contains(m.PrimaryKey, f.Name) }

	create := b.add(&def{kind: inputDef, name: n.create, origin: origin + " (create input)"})
	update := b.add(&def{kind: inputDef, name: n.update, origin: origin + " (update input)"})
	for _, f := range m.Fields {
		// Computed columns can never be written.
		if f.ReadOnly {
			continue
		}
		typ := inputType(f)
		// Required on create unless the database fills the value (identity,
		// default) or Quarry does (a UUID for an ID key).
		optional := f.DBGenerated || f.Default != nil || (isKey(f) && f.Type == schema.ID)
		if !f.IsList && f.Required && !optional {
			create.fields = append(create.fields, field{name: f.Name, typ: typ + "!"})
		} else {
			create.fields = append(create.fields, field{name: f.Name, typ: typ})
		}
		if isKey(f) {
			update.fields = append(update.fields, field{name: f.Name, typ: typ + "!"})
		} else {
			update.fields = append(update.fields, field{name: f.Name, typ: typ})
		}
	}
	del := b.add(&def{kind: inputDef, name: n.delete, origin: origin + " (delete input)"})
	for _, k := range m.PrimaryKey {
		kf := m.Field(k)
		del.fields = append(del.fields, field{name: kf.Name, typ: kf.Type + "!"})
	}

	// A condition cannot test the key: the key already picks the row.
	cond := b.add(&def{kind: inputDef, name: n.condition, origin: origin + " (condition input)"})
	filter := b.add(&def{kind: inputDef, name: n.filter, origin: origin + " (filter input)"})
	sub := b.add(&def{kind: inputDef, name: n.subFilter, origin: origin + " (subscription filter input)"})
	for _, f := range m.Fields {
		in := filterInput(f.Type, f.IsEnum, f.IsList)
		if !isKey(f) {
			cond.fields = append(cond.fields, field{name: f.Name, typ: in})
		}
		filter.fields = append(filter.fields, field{name: f.Name, typ: in})
		sub.fields = append(sub.fields, field{name: f.Name, typ: subscriptionInput(f.Type, f.IsEnum)})
	}
	cond.fields = append(cond.fields, combinators(n.condition, true)...)
	filter.fields = append(filter.fields, combinators(n.filter, true)...)
	// Subscription filters have no "not" (the transformer leaves it out).
	sub.fields = append(sub.fields, combinators(n.subFilter, false)...)

	if sk := m.PrimaryKey[1:]; len(sk) > 1 {
		key := b.add(&def{kind: inputDef, name: n.compositeKey, origin: origin + " (composite sort key input)"})
		for _, k := range sk {
			kf := m.Field(k)
			key.fields = append(key.fields, field{name: kf.Name, typ: kf.Type})
		}
		b.add(&def{kind: inputDef, name: n.compositeKeyCondition, origin: origin + " (composite sort key condition)",
			fields: operatorFields(compositeKeyOps, n.compositeKey)})
	}
}

// combinators returns the and/or(/not) fields of a filter named name.
func combinators(name string, not bool) []field {
	fs := []field{{name: "and", typ: "[" + name + "]"}, {name: "or", typ: "[" + name + "]"}}
	if not {
		fs = append(fs, field{name: "not", typ: name})
	}
	return fs
}

// outputType is a model field's type on the object type. Required on a
// list applies to its elements, as in the IR. A field with rules of its
// own is nullable: a caller its rules deny gets null there, which a
// non-null type would forbid.
func outputType(m *schema.Model, f *schema.Field) string {
	switch {
	case len(f.Auth) > 0 && f.IsList:
		return "[" + f.Type + "]"
	case len(f.Auth) > 0:
		return f.Type
	case f.IsList && f.Required:
		return "[" + f.Type + "!]"
	case f.IsList:
		return "[" + f.Type + "]"
	case f.Required || slices.Contains(m.PrimaryKey, f.Name):
		return f.Type + "!"
	}
	return f.Type
}

// inputType is a field's type in mutation inputs, before any "!" that
// makes the whole value required.
func inputType(f *schema.Field) string {
	switch {
	case f.IsList && f.Required:
		return "[" + f.Type + "!]"
	case f.IsList:
		return "[" + f.Type + "]"
	}
	return f.Type
}

func (b *builder) customType(t *schema.CustomType) {
	d := b.add(&def{kind: objectDef, name: t.Name, origin: "custom type " + t.Name, user: true})
	for _, f := range t.Fields {
		d.fields = append(d.fields, field{name: f.Name, typ: f.Type.String()})
	}
	b.out.Objects[t.Name] = Object{Custom: t}
}

func (b *builder) customOp(root *def, kind Kind, what string, op *schema.Operation) error {
	f := field{name: op.Name, typ: op.Returns.String()}
	for _, a := range op.Args {
		f.args = append(f.args, field{name: a.Name, typ: a.Type.String()})
	}
	return b.addRoot(root, f, Root{Kind: kind, Operation: op}, what+" "+op.Name)
}

// customSubscription adds a custom subscription, after checking that each
// mutation it names exists and returns the subscription's type.
func (b *builder) customSubscription(op *schema.Operation) error {
	what := "custom subscription " + op.Name
	for _, name := range op.Mutations {
		r, ok := b.out.Mutation[name]
		if !ok {
			return fmt.Errorf("%s: @aws_subscribe names %s, which is not a mutation of this API", what, name)
		}
		var returns string
		switch {
		case r.Operation != nil:
			returns = r.Operation.Returns.Name
			if r.Operation.Returns.List != op.Returns.List {
				return fmt.Errorf("%s returns %s but mutation %s returns %s", what, op.Returns, name, r.Operation.Returns)
			}
		case r.Model != nil:
			returns = r.Model.Name
			if op.Returns.List {
				return fmt.Errorf("%s returns %s but mutation %s returns one %s", what, op.Returns, name, returns)
			}
		}
		if returns != op.Returns.Name {
			return fmt.Errorf("%s returns %s but mutation %s returns %s: a subscription receives its mutations' results", what, op.Returns.Name, name, returns)
		}
		if b.out.Subscribed == nil {
			b.out.Subscribed = map[string][]*schema.Operation{}
		}
		b.out.Subscribed[name] = append(b.out.Subscribed[name], op)
	}
	f := field{name: op.Name, typ: op.Returns.String()}
	for _, a := range op.Args {
		t := a.Type
		t.Required = false // arguments filter; leaving one out means any value
		f.args = append(f.args, field{name: a.Name, typ: t.String()})
	}
	return b.addRoot(b.subscription, f, Root{Kind: CustomSubscription, Operation: op}, what)
}

// enum generates an enum and the inputs that filter its fields.
func (b *builder) enum(e *schema.Enum) {
	origin := "enum " + e.Name
	b.add(&def{kind: enumDef, name: e.Name, values: e.Values, origin: origin, user: true})
	b.add(&def{kind: inputDef, name: filterInput(e.Name, true, false), origin: origin + " (filter input)", fields: []field{
		{name: "eq", typ: e.Name},
		{name: "ne", typ: e.Name},
	}})
	b.add(&def{kind: inputDef, name: filterInput(e.Name, true, true), origin: origin + " (list filter input)", fields: []field{
		{name: "eq", typ: "[" + e.Name + "]"},
		{name: "ne", typ: "[" + e.Name + "]"},
		{name: "contains", typ: e.Name},
		{name: "notContains", typ: e.Name},
	}})
}

// shared adds the inputs and enums every model shares, and the AppSync
// scalars.
func (b *builder) shared() {
	for _, in := range sharedInputs {
		b.add(&def{kind: inputDef, name: in.name, origin: "the shared input " + in.name, fields: operatorFields(in.ops, in.base)})
	}
	b.add(&def{kind: enumDef, name: "ModelAttributeTypes", values: attributeTypes, origin: "the shared enum ModelAttributeTypes"})
	b.add(&def{kind: enumDef, name: "ModelSortDirection", values: sortDirections, origin: "the shared enum ModelSortDirection"})
	for _, s := range awsScalars {
		b.add(&def{kind: scalarDef, name: s.name, desc: s.desc, origin: "the AppSync scalar " + s.name, user: true})
	}
}
