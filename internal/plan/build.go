package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// Root is the plan of one root field of an operation.
type Root struct {
	// Key is the field's response key (its alias, or its name); Field
	// its name.
	Key   string
	Field string
	Kind  api.Kind
	Model *schema.Model
	// Typename answers a root-level __typename.
	Typename string
	// Introspection is a root-level __schema or __type beside other
	// fields: the pipeline answers it from the schema, in its place.
	Introspection *ast.Field

	Select *Select
	Insert *Insert
	Update *Update
	Delete *Delete
	// Custom is a custom query or mutation.
	Custom *Custom
	// Aggregate is an aggregateX query (aggregate.go).
	Aggregate *Aggregate

	// Conn lists the keys a list's connection object asked for.
	Conn []ConnKey
	// Fingerprint ties a list's nextToken to its query (filter, key
	// condition, order), so a token cannot be replayed against another.
	Fingerprint string
	// Pages is set when nested connections select nextToken: the
	// pipeline turns their markers in the field's JSON into tokens.
	Pages *Pages
	// Event is set on a mutation: its object carries the row's fields
	// under hidden keys (RowKey) for the change event, "create", "update"
	// or "delete".
	Event string
	// Err is set when the caller may not use the field: it answers null
	// with this error, and the request's other fields still run.
	Err error
	// Flagged is set when the field's JSON holds Flag outputs (fields the
	// caller may not read on some rows) for the pipeline to take out.
	Flagged bool
}

// scope is what planning a selection knows beyond the selection itself.
type scope struct {
	// budget counts the outputs planned for the root field, and depth is
	// how many relationships deep this selection is: a few hundred bytes
	// of fragments must not plan a statement of gigabytes.
	budget *int
	depth  int
	// pages collects the root field's nested connections that select
	// nextToken.
	pages *Pages
	// key holds the object's coerced key values (in primary key order)
	// when the plan knows them, that is for the object of a get; a nested
	// nextToken is accepted only there, where the token's parent can be
	// checked before the query runs.
	key []any
	// op is how the rows of this selection are read (Get or List), for
	// field-level rules; mutation marks the object a mutation returns,
	// whose protected fields are redacted as the reference does.
	op       authz.Op
	mutation bool
	// listen marks a subscription's selection: fields the caller may not
	// read on every row are null, without flags (payloads are redacted).
	listen bool
	// flagged records that a Flag output was planned.
	flagged *bool
}

// Builder plans operations against one API schema.
type Builder struct {
	API    *api.Schema
	Tokens *Tokens
	// Now returns the current time as AWSDateTime text, for createdAt and
	// updatedAt columns (a parameter so plans stay pure and testable).
	Now func() string
	// NewID returns a fresh UUID for ID-typed keys the caller leaves out.
	NewID func() string
	// Policy holds the schema's auth rules, built once per schema; nil
	// (tests) makes one per request.
	Policy *authz.Policy
	// Limits bound each operation; zero values take the defaults.
	Limits Limits

	// id is the caller, set on the copy of the Builder that plans one
	// request.
	id auth.Identity
	// listen is set on the copy that plans a subscription: its filters
	// are matched against change events, which carry enum values under
	// their GraphQL names, so they are not mapped to the stored text.
	listen bool
}

// Build plans every root field of op for the caller id; vars are the
// coerced variables. What id may not see is left out by the plan's
// predicates; what it may not do at all is an error.
func (b *Builder) Build(op *ast.OperationDefinition, vars map[string]any, id auth.Identity) ([]Root, error) {
	return b.forCaller(id).build(op, vars)
}

// forCaller is a copy of b that plans one request for id.
func (b *Builder) forCaller(id auth.Identity) *Builder {
	rb := *b
	rb.id = id
	rb.Limits = b.Limits.WithDefaults()
	if rb.Policy == nil {
		rb.Policy = authz.New(b.API.IR)
	}
	return &rb
}

func (b *Builder) build(op *ast.OperationDefinition, vars map[string]any) ([]Root, error) {
	fields, err := collect(op.SelectionSet, vars)
	if err != nil {
		return nil, err
	}
	if err := b.Limits.rootFields(len(fields)); err != nil {
		return nil, err
	}
	var out []Root
	for _, f := range fields {
		r, err := b.root(op.Operation, f, vars)
		if err != nil {
			// A field the caller may not use fails alone, on its path, as
			// AppSync's resolvers fail; other mistakes fail the request.
			if qerr.KindOf(err) != qerr.Forbidden {
				return nil, err
			}
			r = Root{Key: responseKey(f), Err: err}
		}
		out = append(out, r)
	}
	return out, nil
}

func (b *Builder) root(op ast.Operation, f *ast.Field, vars map[string]any) (Root, error) {
	key := responseKey(f)
	switch f.Name {
	case "__typename":
		return Root{Key: key, Typename: rootTypename(op)}, nil
	case "__schema", "__type":
		// Validation allows these on the query type only.
		return Root{Key: key, Field: f.Name, Introspection: f}, nil
	}
	rt, ok := b.API.Root(op, f.Name)
	if !ok {
		return Root{}, qerr.New(qerr.Unsupported, fmt.Sprintf("field %q cannot be served", f.Name))
	}
	if authz.DeniedByAuthorizer(rootTypename(op), f.Name, b.id) {
		return Root{}, qerr.New(qerr.Forbidden, authz.Denial(f.Name, rootTypename(op)))
	}
	args := f.ArgumentMap(vars)
	r := Root{Key: key, Field: f.Name, Kind: rt.Kind, Model: rt.Model}
	m := rt.Model
	sc := &scope{pages: &Pages{}, budget: new(int), flagged: &r.Flagged}
	var err error
	switch rt.Kind {
	case api.Get:
		r.Select, err = b.get(m, f, args, vars, sc)
	case api.List:
		err = b.list(&r, m, f, args, vars, rt.SortKeyArg, rt.Index, sc)
	case api.Create:
		if r.Insert, err = b.create(m, f, args, vars, sc); err == nil {
			withRow(r.Insert.Return)
			r.Event = "create"
		}
	case api.Update:
		if r.Update, err = b.update(m, f, args, vars, sc); err == nil {
			withRow(r.Update.Return)
			r.Event = "update"
		}
	case api.Delete:
		if r.Delete, err = b.delete(m, f, args, vars, sc); err == nil {
			withRow(r.Delete.Return)
			r.Event = "delete"
		}
	case api.CustomQuery, api.CustomMutation:
		r.Custom, err = b.custom(rt.Operation, rt.Kind, f, args, vars)
	case api.Aggregate:
		r.Aggregate, err = b.aggregateRoot(m, f, args, vars)
	default:
		err = qerr.New(qerr.Unsupported, fmt.Sprintf("%s operations are not served yet", rt.Kind))
	}
	if len(sc.pages.pages) > 0 {
		r.Pages = sc.pages
	}
	return r, err
}

func rootTypename(op ast.Operation) string {
	switch op {
	case ast.Mutation:
		return "Mutation"
	case ast.Subscription:
		return "Subscription"
	}
	return "Query"
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// keyWhere builds the equality on a model's key fields from args.
func keyWhere(m *schema.Model, args map[string]any, what string) (pred.Expr, error) {
	var and pred.And
	for _, k := range m.PrimaryKey {
		f := m.Field(k)
		v, ok := args[k]
		if !ok || v == nil {
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s needs the key field %s", what, k))
		}
		cv, err := coerce(f, v, what+"."+k)
		if err != nil {
			return nil, err
		}
		and = append(and, pred.Cmp{Column: f.Column, Op: pred.Eq, Value: cv})
	}
	return pred.Conj(and...), nil
}

func (b *Builder) get(m *schema.Model, f *ast.Field, args, vars map[string]any, sc *scope) (*Select, error) {
	d := b.Policy.Model(m, b.id, authz.Get)
	if !d.Allowed {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Query"))
	}
	for _, k := range m.PrimaryKey {
		if err := b.readable(m, m.Field(k), f.Name); err != nil {
			return nil, err
		}
	}
	where, err := keyWhere(m, args, f.Name)
	if err != nil {
		return nil, err
	}
	where = pred.Conj(where, d.Filter)
	sc.op = authz.Get
	// keyWhere has checked and coerced each key value; the same values
	// bind nested tokens to this object.
	for _, k := range m.PrimaryKey {
		v, _ := coerce(m.Field(k), args[k], f.Name+"."+k)
		sc.key = append(sc.key, v)
	}
	outs, err := b.outputs(m, f.SelectionSet, vars, sc)
	if err != nil {
		return nil, err
	}
	return &Select{Model: m, Fields: outs, Where: where, Single: true}, nil
}

func (b *Builder) list(r *Root, m *schema.Model, f *ast.Field, args, vars map[string]any, sortKeyArg string, idx *schema.Index, sc *scope) error {
	d := b.Policy.Model(m, b.id, authz.List)
	if !d.Allowed {
		return qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Query"))
	}
	sc.op = authz.List
	where, err := b.filter(m, args["filter"], "filter")
	if err != nil {
		return err
	}
	// The list's key arguments: the first key field's value, and a key
	// condition on the sort field(s); an index query's are the index's.
	if idx != nil {
		if where, err = b.indexWhere(m, idx, f.Name, args, sortKeyArg, where); err != nil {
			return err
		}
	} else if len(m.PrimaryKey) > 0 {
		pk := m.Field(m.PrimaryKey[0])
		if v, ok := args[pk.Name]; ok && v != nil {
			if err := b.readable(m, pk, f.Name); err != nil {
				return err
			}
			cv, err := coerce(pk, v, pk.Name)
			if err != nil {
				return err
			}
			where = pred.Conj(pred.Cmp{Column: pk.Column, Op: pred.Eq, Value: cv}, where)
		}
	}
	if sortKeyArg != "" && idx == nil {
		if cond, ok := args[sortKeyArg].(map[string]any); ok {
			e, err := b.keyCondition(m, cond)
			if err != nil {
				return err
			}
			where = pred.Conj(where, e)
		}
	}
	// The caller's rows only; the fingerprint below leaves the rule out on
	// purpose: a token says where a page ends, and the rule is applied
	// again, for whoever sends it, on every page.
	where = pred.Conj(where, d.Filter)
	desc := args["sortDirection"] == "DESC"
	limit, err := b.Limits.pageLimit(args)
	if err != nil {
		return err
	}
	order, sorted, err := b.sortBy(m, args["sortBy"], args, f.Name)
	if err != nil {
		return err
	}
	parts := []any{args["filter"], args[sortKeyArg], desc, argOf(args, m)}
	if idx != nil {
		order = indexOrder(m, idx, desc)
		parts = append(parts, args[idx.Field])
	}
	if order != nil {
		// Only with sortBy, so that tokens minted before it stay valid.
		parts = append(parts, sorted)
	}
	sel := &Select{Model: m, Where: where, Desc: desc, Limit: limit, Order: order}
	conn, items, err := b.connection(f.SelectionSet, vars, m)
	if err != nil {
		return err
	}
	r.Conn = conn
	sel.NoNext = true
	for _, k := range conn {
		sel.Count = sel.Count || k.What == "totalCount"
		sel.NoNext = sel.NoNext && k.What != "nextToken"
	}
	tok, _ := args["nextToken"].(string)
	// The fingerprint (JSON and a hash) only matters to a token read or
	// minted: most pages neither take nor select one.
	if tok != "" || !sel.NoNext {
		r.Fingerprint = fingerprint(f.Name, parts...)
	}
	if tok != "" {
		after, err := b.Tokens.Read(tok, r.Fingerprint)
		if err != nil {
			return err
		}
		keys := sel.Keys()
		if len(after) != len(keys) {
			return qerr.New(qerr.Validation, "nextToken is not valid for this query")
		}
		for i, k := range keys {
			v, err := coerceAs(k.Field, tokenBool(k.Field, after[i]), "nextToken", asStored)
			if err != nil {
				return err
			}
			sel.After = append(sel.After, v)
		}
	}
	if items != nil {
		sel.Fields, err = b.outputs(m, items, vars, sc)
		if err != nil {
			return err
		}
	}
	r.Select = sel
	return nil
}

func argOf(args map[string]any, m *schema.Model) any {
	if len(m.PrimaryKey) == 0 {
		return nil
	}
	return args[m.PrimaryKey[0]]
}

// fingerprint hashes what decides a list's rows and order.
func fingerprint(field string, parts ...any) string {
	raw, _ := json.Marshal(parts) // maps marshal with sorted keys
	sum := sha256.Sum256(append([]byte(field+"|"), raw...))
	return hex.EncodeToString(sum[:12])
}

// connection reads a connection's selection: which keys, and the items'
// selection set (merged when several fields select items).
func (b *Builder) connection(set ast.SelectionSet, vars map[string]any, m *schema.Model) ([]ConnKey, ast.SelectionSet, error) {
	fields, err := collect(set, vars)
	if err != nil {
		return nil, nil, err
	}
	var keys []ConnKey
	var items ast.SelectionSet
	for _, f := range fields {
		k := ConnKey{Key: responseKey(f), What: f.Name}
		switch f.Name {
		case "items":
			items = append(items, f.SelectionSet...)
		case "__typename":
			k.Typename = "Model" + schema.UpperFirst(m.Name) + "Connection"
		case "nextToken", "totalCount":
		case "aggregate":
			if k.Aggregate, err = b.connAggregate(m, f, vars); err != nil {
				return nil, nil, err
			}
		default:
			return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("connections have no field %s", f.Name))
		}
		keys = append(keys, k)
	}
	return keys, items, nil
}

// outputs plans the selection set of a model's object.
func (b *Builder) outputs(m *schema.Model, set ast.SelectionSet, vars map[string]any, sc *scope) ([]Output, error) {
	fields, err := collect(set, vars)
	if err != nil {
		return nil, err
	}
	var out []Output
	*sc.budget += len(fields)
	if *sc.budget > b.Limits.MaxOutputs {
		return nil, qerr.New(qerr.TooLarge, fmt.Sprintf("the selection asks for more than %d fields in all, fragments counted each time they are used (limit --max-fields)", b.Limits.MaxOutputs))
	}
	for _, f := range fields {
		key := responseKey(f)
		if f.Name == "__typename" {
			out = append(out, Output{Key: key, Typename: m.Name})
			continue
		}
		if fld := m.Field(f.Name); fld != nil {
			out = append(out, b.fieldOutputs(m, fld, key, sc)...)
			continue
		}
		rel := m.Relationship(f.Name)
		if rel == nil {
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s has no field %s", m.Name, f.Name))
		}
		o, err := b.nested(m, rel, f, vars, sc)
		if err != nil {
			return nil, err
		}
		o.Key = key
		out = append(out, o)
	}
	return out, nil
}

func (b *Builder) nested(m *schema.Model, rel *schema.Relationship, f *ast.Field, vars map[string]any, sc *scope) (Output, error) {
	target := b.API.IR.Model(rel.Target)
	if target == nil {
		return Output{}, qerr.New(qerr.Misconfig, fmt.Sprintf("relationship %s.%s targets unknown model %s", m.Name, rel.Name, rel.Target))
	}
	join, err := Join(m, target, rel)
	if err != nil {
		return Output{}, err
	}
	o := Output{Join: join}
	sel := &Select{Model: target}
	// The nested object's key is not known before the query runs.
	inner := &scope{pages: sc.pages, budget: sc.budget, depth: sc.depth + 1, op: authz.List, flagged: sc.flagged}
	if inner.depth > b.Limits.MaxDepth {
		return Output{}, qerr.New(qerr.TooLarge, fmt.Sprintf("the selection nests relationships more than %d deep (limit --max-depth)", b.Limits.MaxDepth))
	}
	if rel.Kind != schema.HasMany {
		inner.op = authz.Get
	}
	// Related rows the caller may not read are absent (hasMany) or null
	// (belongsTo, hasOne), as in the reference: not an error.
	d := b.Policy.Model(target, b.id, inner.op)
	guard := d.Filter
	if !d.Allowed || authz.DeniedByAuthorizer(m.Name, rel.Name, b.id) || !b.joinReadable(m, target, rel) {
		guard = pred.Const(false)
	}
	if rel.Kind != schema.HasMany {
		sel.Single = true
		sel.Where = guard
		var err error
		sel.Fields, err = b.outputs(target, f.SelectionSet, vars, inner)
		o.Nested = sel
		return o, err
	}
	args := f.ArgumentMap(vars)
	where, err := b.filter(target, args["filter"], f.Name+".filter")
	if err != nil {
		return Output{}, err
	}
	sel.Where = pred.Conj(where, guard)
	sel.Desc = args["sortDirection"] == "DESC"
	if sel.Limit, err = b.Limits.pageLimit(args); err != nil {
		return Output{}, err
	}
	var sorted []string
	if sel.Order, sorted, err = b.sortBy(target, args["sortBy"], args, f.Name); err != nil {
		return Output{}, err
	}
	q := nestedQuery{field: nestedField(m, rel), filter: args["filter"], desc: sel.Desc, sort: sorted}
	// A hasMany's Join pairs the parent's primary key, in order (Join).
	for _, k := range m.PrimaryKey {
		q.parent = append(q.parent, m.Field(k))
	}
	if tok, ok := args["nextToken"].(string); ok && tok != "" {
		if sel.After, err = b.nestedAfter(m, rel, target, sel.Keys(), q, tok, sc); err != nil {
			return Output{}, err
		}
	}
	conn, items, err := b.connection(f.SelectionSet, vars, target)
	if err != nil {
		return Output{}, err
	}
	o.Connection = conn
	for _, k := range conn {
		if k.What == "nextToken" && sel.Page == nil {
			sel.Page = sc.pages.add(q)
		}
	}
	if items != nil {
		if sel.Fields, err = b.outputs(target, items, vars, inner); err != nil {
			return Output{}, err
		}
	}
	o.Nested = sel
	return o, nil
}

// nestedAfter reads a nested connection's nextToken. Only the object of a
// get has a key the plan knows, and the token must be checked against its
// parent before the query runs (a token minted for one album's tracks
// must not page another's), so a nested nextToken is accepted there only,
// which is also where AppSync clients page nested lists.
func (b *Builder) nestedAfter(m *schema.Model, rel *schema.Relationship, target *schema.Model, keys []OrderKey, q nestedQuery, tok string, sc *scope) ([]any, error) {
	if sc.key == nil || len(sc.key) != len(q.parent) {
		return nil, qerr.New(qerr.Validation, fmt.Sprintf("nextToken on the nested field %s is accepted only on the object of a get (get%s): page one %s's %s there, or use list%s with a filter on %s", rel.Name, schema.UpperFirst(m.Name), m.Name, rel.Name, schema.Plural(schema.UpperFirst(target.Name)), strings.Join(rel.References, ", ")))
	}
	// The join pairs the parent's key in primary key order (Join), so the
	// get's key values are the parent values the marker carried.
	after, err := b.Tokens.Read(tok, q.fingerprint(sc.key))
	if err != nil {
		return nil, err
	}
	if len(after) != len(keys) {
		return nil, qerr.New(qerr.Validation, "nextToken is not valid for this query")
	}
	out := make([]any, len(after))
	for i, k := range keys {
		if out[i], err = coerceAs(k.Field, tokenBool(k.Field, after[i]), "nextToken", asStored); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Join pairs the columns that link a row of from with the rows of target
// through rel: references are the child's fields, in the order of the
// parent's key.
func Join(from, target *schema.Model, rel *schema.Relationship) ([]JoinPair, error) {
	child, parent := target, from
	if rel.Kind == schema.BelongsTo {
		child, parent = from, target
	}
	if len(rel.References) != len(parent.PrimaryKey) {
		return nil, qerr.New(qerr.Misconfig, fmt.Sprintf("relationship %s.%s has %d references for a key of %d fields", from.Name, rel.Name, len(rel.References), len(parent.PrimaryKey)))
	}
	var join []JoinPair
	for i, ref := range rel.References {
		cf, pf := child.Field(ref), parent.Field(parent.PrimaryKey[i])
		if cf == nil || pf == nil {
			return nil, qerr.New(qerr.Misconfig, fmt.Sprintf("relationship %s.%s references unknown field %s", from.Name, rel.Name, ref))
		}
		if rel.Kind == schema.BelongsTo {
			join = append(join, JoinPair{Outer: cf.Column, Inner: pf.Column})
		} else {
			join = append(join, JoinPair{Outer: pf.Column, Inner: cf.Column})
		}
	}
	return join, nil
}
