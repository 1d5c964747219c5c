package api

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/schema"
)

// Schema is the public GraphQL schema and the way back from its names to
// the IR.
type Schema struct {
	// SDL is the schema as text, in a stable order, with the AppSync
	// scalars and directives declared so any GraphQL tool can load it.
	SDL string
	// AST is SDL parsed and validated; documents are validated against it.
	AST *ast.Schema
	// IR is the schema this was built from.
	IR *schema.Schema

	// Query, Mutation and Subscription map each root field to what it does.
	Query        map[string]Root
	Mutation     map[string]Root
	Subscription map[string]Root
	// Objects maps each object type other than the roots to the model or
	// custom type it stands for.
	Objects map[string]Object
	// Relationships maps each relationship field to its IR relationship.
	Relationships map[FieldRef]*schema.Relationship
	// Subscribed maps a mutation's root field name to the custom
	// subscriptions that receive its results.
	Subscribed map[string][]*schema.Operation
}

// Kind says what a root field does. The model operations' kinds are the
// names schema.Model.Disabled uses.
type Kind string

// Root field kinds.
const (
	Get            Kind = "get"
	List           Kind = "list"
	Create         Kind = "create"
	Update         Kind = "update"
	Delete         Kind = "delete"
	OnCreate       Kind = "onCreate"
	OnUpdate       Kind = "onUpdate"
	OnDelete       Kind = "onDelete"
	CustomQuery    Kind = "customQuery"
	CustomMutation Kind = "customMutation"
	// CustomSubscription receives the results of the mutations its
	// operation names (@aws_subscribe).
	CustomSubscription Kind = "customSubscription"
)

// Root is one root field: a model operation (Model set) or a custom
// operation (Operation set).
type Root struct {
	Kind      Kind
	Model     *schema.Model
	Operation *schema.Operation
	// SortKeyArg names a list's sort-key condition argument: the sort
	// field's name, or the joined names when the key has several sort
	// fields; empty when the key has none.
	SortKeyArg string
	// Index is set on the query field of a secondary index (a List whose
	// keys are the index's, not the primary key's).
	Index *schema.Index
}

// Object is what an object type stands for: a model (or, with Connection,
// the model's list page), or a custom type.
type Object struct {
	Model      *schema.Model
	Connection bool
	// Aggregate marks the model's aggregate types (ModelXAggregate and
	// the types of its fields).
	Aggregate bool
	Custom    *schema.CustomType
}

// FieldRef names a field of an object type.
type FieldRef struct {
	Type, Field string
}

// Root returns the root field name of the operation type op.
func (s *Schema) Root(op ast.Operation, name string) (Root, bool) {
	var m map[string]Root
	switch op {
	case ast.Query:
		m = s.Query
	case ast.Mutation:
		m = s.Mutation
	case ast.Subscription:
		m = s.Subscription
	}
	r, ok := m[name]
	return r, ok
}

// Build generates the public schema for s. It fails when generated names
// collide (two models, or a model and a custom operation or type), when
// the IR refers to something it does not define, or when the result does
// not validate.
func Build(s *schema.Schema) (*Schema, error) {
	b := newBuilder(s)
	if err := b.build(); err != nil {
		return nil, err
	}
	sdl, err := b.print()
	if err != nil {
		return nil, err
	}
	doc, err := load(sdl)
	if err != nil {
		return nil, err
	}
	b.out.SDL, b.out.AST = sdl, doc
	return b.out, nil
}
