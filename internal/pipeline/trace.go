package pipeline

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/qerr"
)

// Tracer is told about the stages of each request, for traces. The
// server starts a request's span; Stage opens a child of it per stage
// (parse+validate, variables, plan, run) and per root field within run,
// and the executor's statements are children of their field's. Nil on
// the Engine means off, at the cost of a nil check per stage.
type Tracer interface {
	// Stage starts stage (field names the root field for the "field"
	// stage) and returns its context and the function that ends it with
	// the stage's error (nil when it succeeded).
	Stage(ctx context.Context, stage, field string) (context.Context, func(err error))
	// Request is told, once a request is answered, what it was.
	Request(ctx context.Context, info RequestInfo)
}

// RequestInfo describes an answered request to a Tracer.
type RequestInfo struct {
	// ID is the request id (x-amzn-RequestId).
	ID string
	// OperationName is the client's operationName, as sent (may be empty).
	OperationName string
	// Fields lists the kinds of the root fields served ("list,get"), as
	// Response.Operation does.
	Fields string
	// ErrorType is the errorType of the first error, empty when none.
	ErrorType string
	// Errors counts the response's errors.
	Errors int
}

func noEnd(error) {}

// stage starts a stage for the Tracer, if there is one.
func (e *Engine) stage(ctx context.Context, stage, field string) (context.Context, func(error)) {
	if e.Tracer == nil {
		return ctx, noEnd
	}
	return e.Tracer.Stage(ctx, stage, field)
}

// fieldOf says what a root field is to the executor's Tracer: its
// operation and name from the schema, never the client's alias.
func fieldOf(kind api.Kind, name string) exec.Field {
	switch kind {
	case api.Get, api.List:
		return exec.Field{Operation: "query", Kind: string(kind), Name: name, Verb: "SELECT"}
	case api.Create:
		return exec.Field{Operation: "mutation", Kind: string(kind), Name: name, Verb: "INSERT"}
	case api.Update:
		return exec.Field{Operation: "mutation", Kind: string(kind), Name: name, Verb: "UPDATE"}
	case api.Delete:
		return exec.Field{Operation: "mutation", Kind: string(kind), Name: name, Verb: "DELETE"}
	case api.CustomMutation:
		return exec.Field{Operation: "mutation", Kind: string(kind), Name: name}
	}
	return exec.Field{Operation: "query", Kind: string(kind), Name: name}
}

// stageError gives a Tracer gqlparser's errors as what they are to the
// client: validation errors.
func stageError(err error) error {
	if err == nil {
		return nil
	}
	var list gqlerror.List
	var one *gqlerror.Error
	if errors.As(err, &list) || errors.As(err, &one) {
		return qerr.New(qerr.Validation, "the document is not valid")
	}
	return err
}
