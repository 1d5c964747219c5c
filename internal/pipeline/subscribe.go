package pipeline

import (
	"errors"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
)

// ErrNotSubscription is Subscribe's answer to a query or mutation.
var ErrNotSubscription = qerr.New(qerr.Validation, "only subscription operations can be started here; send queries and mutations as POST requests")

// Subscribe parses, validates and plans a subscription request for the
// caller id, the same way Serve does for queries (the document cache
// included). Its errors are *qerr.Error: Validation for a bad document
// or variables, Forbidden when no rule lets id listen.
func (e *Engine) Subscribe(req Request, id auth.Identity) (*plan.Subscription, error) {
	doc, err := e.parse(req.Query)
	if err != nil {
		var list gqlerror.List
		if errors.As(err, &list) {
			return nil, qerr.New(qerr.Validation, joinMessages(list))
		}
		return nil, err
	}
	op := pickOperation(doc, req.OperationName)
	if op == nil {
		return nil, qerr.New(qerr.Validation, "no operation to run: name one with operationName")
	}
	if op.Operation != ast.Subscription {
		return nil, ErrNotSubscription
	}
	vars, err := decodeVariables(req.Variables)
	if err != nil {
		return nil, err
	}
	coerced, verr := validator.VariableValues(e.API.AST, op, vars)
	if verr != nil {
		var ge *gqlerror.Error
		if errors.As(verr, &ge) {
			return nil, qerr.New(qerr.Validation, ge.Message)
		}
		return nil, qerr.Wrap(qerr.Validation, verr.Error(), verr)
	}
	return e.Planner.Subscribe(op, coerced, id)
}

func joinMessages(list gqlerror.List) string {
	msgs := make([]string, len(list))
	for i, e := range list {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "; ")
}
