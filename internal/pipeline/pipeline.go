// Package pipeline is the request path as one readable function: parse
// (cached) → validate → authenticate → plan → compile → run → respond.
// Each stage is timed. The response has AppSync's shape: {"data": {...}}
// with one key per root field, and errors carrying message, path,
// locations and errorType.
package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Engine serves one built API. The sandbox builds a new Engine on every
// schema change and swaps it in whole.
type Engine struct {
	API      *api.Schema
	Planner  *plan.Builder
	Compiler sqlgen.Compiler
	Exec     *exec.Executor
	Log      *slog.Logger
	// Debug shows runtime errors' causes to clients (DEBUG_MODE=true).
	Debug bool
	// Observe, when set, receives each stage's duration.
	Observe func(stage string, d time.Duration)
	// Tracer, when set, is told about each request's stages (traces).
	Tracer Tracer
	// Managed, when set, serves the managed models (schema.Model.Managed),
	// which live in Quarry's own database.
	Managed *Backend
	// Publish, when set, receives every change a mutation made, for
	// subscriptions. It must not block.
	Publish func(ctx context.Context, ev pubsub.Event)
	// Limits bound what a document may cost; zero values take defaults.
	Limits Limits
	// NoIntrospection refuses __schema and __type (serve's default:
	// production APIs need not describe themselves; the aws-amplify client
	// reads model_introspection from amplify_outputs.json instead).
	// __typename is always answered.
	NoIntrospection bool

	docs docCache
}

// Request is a GraphQL request body.
type Request struct {
	Query         string          `json:"query"`
	Variables     json.RawMessage `json:"variables,omitempty"`
	OperationName string          `json:"operationName,omitempty"`
}

// Error is a GraphQL error in AppSync's shape.
type Error struct {
	Message   string              `json:"message"`
	Path      []any               `json:"path,omitempty"`
	Locations []gqlerror.Location `json:"locations,omitempty"`
	ErrorType string              `json:"errorType,omitempty"`
	ErrorInfo any                 `json:"errorInfo"`
	Data      any                 `json:"data"`
}

// Response is a GraphQL response. Data is raw JSON built as rows arrive.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors,omitempty"`
	// Operation names the root fields served, for metrics and logs.
	Operation string `json:"-"`
	// Rows counts the rows the request read (root lists), for the access
	// log.
	Rows int `json:"-"`
}

// Serve runs one request for the caller id. It never returns a Go error:
// every failure is a GraphQL error in the response, logged with requestID.
func (e *Engine) Serve(ctx context.Context, req Request, requestID string, id auth.Identity) Response {
	if e.Tracer == nil {
		return e.serve(ctx, req, requestID, id)
	}
	resp := e.serve(ctx, req, requestID, id)
	info := RequestInfo{ID: requestID, OperationName: req.OperationName, Fields: resp.Operation, Errors: len(resp.Errors)}
	if len(resp.Errors) > 0 {
		info.ErrorType = resp.Errors[0].ErrorType
	}
	e.Tracer.Request(ctx, info)
	return resp
}

func (e *Engine) serve(ctx context.Context, req Request, requestID string, id auth.Identity) Response {
	t := e.timer()

	_, end := e.stage(ctx, "parse+validate", "")
	doc, err := e.parse(req.Query)
	end(stageError(err))
	t("parse+validate")
	if err != nil {
		var list gqlerror.List
		if errors.As(err, &list) {
			return Response{Data: json.RawMessage("null"), Errors: gqlErrors(list)}
		}
		return e.fail(ctx, requestID, nil, err)
	}
	op := pickOperation(doc, req.OperationName)
	if op == nil {
		return e.fail(ctx, requestID, nil, qerr.New(qerr.Validation, "no operation to run: name one with operationName"))
	}
	_, end = e.stage(ctx, "variables", "")
	vars, err := decodeVariables(req.Variables)
	if err != nil {
		end(err)
		return e.fail(ctx, requestID, nil, err)
	}
	coerced, verr := validator.VariableValues(e.API.AST, op, vars)
	end(stageError(verr))
	if verr != nil {
		var ge *gqlerror.Error
		if errors.As(verr, &ge) {
			return Response{Data: json.RawMessage("null"), Errors: gqlErrors(gqlerror.List{ge})}
		}
		return e.fail(ctx, requestID, nil, qerr.Wrap(qerr.Validation, verr.Error(), verr))
	}
	if op.Operation == ast.Subscription {
		return e.fail(ctx, requestID, nil, qerr.New(qerr.Validation, "subscriptions are served over WebSocket at /graphql/realtime"))
	}
	lim := e.Limits.WithDefaults()
	if e.NoIntrospection && describesSchema(op, coerced) {
		return e.fail(ctx, requestID, nil, qerr.New(qerr.Validation, "introspection is turned off on this API (quarry serve --introspection turns it on)"))
	}
	if isIntrospection(op, coerced) {
		if err := e.Planner.CheckRootFields(op, coerced); err != nil {
			return e.fail(ctx, requestID, nil, err)
		}
		_, end = e.stage(ctx, "introspection", "")
		data, err := introspectSchema(e.API.AST, op, coerced)
		end(err)
		t("introspection")
		if err == nil && len(data) > lim.MaxResponseBytes {
			err = qerr.New(qerr.TooLarge, fmt.Sprintf("the response is over %d bytes (limit --max-response-bytes)", lim.MaxResponseBytes))
		}
		if err != nil {
			return e.fail(ctx, requestID, nil, err)
		}
		return Response{Data: data, Operation: "introspection"}
	}

	_, end = e.stage(ctx, "plan", "")
	roots, err := e.Planner.Build(op, coerced, id)
	end(err)
	t("plan")
	if err != nil {
		return e.fail(ctx, requestID, nil, err)
	}
	budget := &exec.Budget{MaxRows: lim.MaxResponseRows, MaxBytes: lim.MaxResponseBytes}
	ctx = exec.WithBudget(ctx, budget)
	ctx, endRun := e.stage(ctx, "run", "")

	// The response is written as the values arrive; a plain root list
	// writes its rows straight into it (they may be megabytes, copied
	// once more for each buffer they pass through).
	var errs []Error
	name := ""
	var out bytes.Buffer
	out.WriteByte('{')
	for i, r := range roots {
		if i > 0 {
			name += ","
			out.WriteByte(',')
		}
		name += string(r.Kind)
		writeKey(&out, r.Key)
		mark := out.Len()
		var val json.RawMessage
		err := r.Err
		if err == nil {
			// Once the request has read its budget, later root fields
			// fail without asking the database.
			err = budget.Spent()
		}
		if err == nil && plainList(r) {
			fctx, endField := e.fieldStage(ctx, r)
			compiler, x := e.backend(r.Model)
			err = e.writeList(fctx, r, compiler, x, &out)
			endField(err)
			if err == nil {
				continue
			}
			out.Truncate(mark)
		} else if err == nil && r.Introspection != nil {
			// __schema or __type beside data fields: answered from the
			// schema in its place, as a request of it alone would be.
			name += "introspection"
			val, err = e.introspectRoot(op, r.Introspection, coerced, lim)
		} else if err == nil {
			fctx, endField := e.fieldStage(ctx, r)
			val, err = e.run(fctx, r)
			endField(err)
		}
		if err == nil && r.Event != "" {
			var row json.RawMessage
			if val, row, err = takeRow(val); err == nil && e.Publish != nil {
				e.Publish(ctx, pubsub.Event{Model: r.Model.Name, Op: r.Event, Mutation: r.Field, Row: row})
			}
		}
		if err == nil && r.Custom != nil && r.Custom.Mutation && e.Publish != nil && len(e.API.Subscribed[r.Field]) > 0 {
			e.Publish(ctx, pubsub.Event{Mutation: r.Field, Row: val})
		}
		if err == nil && r.Custom != nil {
			errs = append(errs, redactedErrors(val, r)...)
		}
		if err == nil && r.Flagged {
			var denied []Error
			val, denied, err = unflag(val, r)
			errs = append(errs, denied...)
		}
		if err != nil {
			resp := e.fail(ctx, requestID, []any{r.Key}, err)
			errs = append(errs, resp.Errors...)
			val = json.RawMessage("null")
		}
		out.Write(val)
	}
	out.WriteByte('}')
	endRun(nil)
	t("run")
	return Response{Data: out.Bytes(), Errors: errs, Operation: name, Rows: budget.Rows()}
}

// fieldStage starts the trace stage of root field r.
func (e *Engine) fieldStage(ctx context.Context, r plan.Root) (context.Context, func(error)) {
	fctx, endField := e.stage(ctx, "field", r.Field)
	if _, x := e.backend(r.Model); x != nil && x.Tracer != nil {
		fctx = exec.WithField(fctx, fieldOf(r.Kind, r.Field))
	}
	return fctx, endField
}

// plainList reports whether r is a root list whose value needs no work
// after the database's (no nested page tokens, no field flags), which
// writeList can write straight into the response.
func plainList(r plan.Root) bool {
	return r.Select != nil && !r.Select.Single && r.Pages == nil && !r.Flagged &&
		r.Event == "" && r.Custom == nil && r.Introspection == nil && r.Typename == ""
}

// run compiles and executes one root field and returns its JSON value,
// with the markers of nested pages (plan.Page) replaced by tokens.
func (e *Engine) run(ctx context.Context, r plan.Root) (json.RawMessage, error) {
	val, err := e.runField(ctx, r)
	if err != nil || r.Pages == nil {
		return val, err
	}
	return e.nestedTokens(val, r.Pages)
}

// nestedTokens replaces every nested page marker in val, the JSON array
// ["<marker>", id, [parent key], [last key]] that the database wrote in a
// nextToken's place, with the signed token it stands for. The marker is a
// random nonce of this plan, bound as an argument: row data cannot hold it
// unless it guessed it, and a string in the JSON escapes its quotes, so
// `"<marker>"` right after a '[' is always one of ours.
func (e *Engine) nestedTokens(val []byte, p *plan.Pages) (json.RawMessage, error) {
	needle := []byte(`"` + p.Marker + `"`)
	var out bytes.Buffer
	rest := val
	for {
		i := bytes.Index(rest, needle)
		if i < 0 {
			break
		}
		// The array opens at the '[' before the marker (engines may put
		// no space there, but allow some).
		start := i - 1
		for start >= 0 && (rest[start] == ' ' || rest[start] == '\n') {
			start--
		}
		if start < 0 || rest[start] != '[' {
			return nil, qerr.New(qerr.Internal, "a nested page marker is not where the database should have written it")
		}
		dec := json.NewDecoder(bytes.NewReader(rest[start:]))
		var marker json.RawMessage
		if err := dec.Decode(&marker); err != nil {
			return nil, qerr.Wrap(qerr.Internal, "cannot read a nested page marker", err)
		}
		tok, err := p.Mint(e.Planner.Tokens, marker)
		if err != nil {
			return nil, err
		}
		out.Write(rest[:start])
		writeString(&out, tok)
		rest = rest[start+int(dec.InputOffset()):]
	}
	if out.Len() == 0 {
		return val, nil
	}
	out.Write(rest)
	return out.Bytes(), nil
}

// Backend is a database and its dialect.
type Backend struct {
	Compiler sqlgen.Compiler
	Exec     *exec.Executor
}

// backend is where model m's rows live: the user's database, or Quarry's
// own for managed models.
func (e *Engine) backend(m *schema.Model) (sqlgen.Compiler, *exec.Executor) {
	if m != nil && m.Managed && e.Managed != nil {
		return e.Managed.Compiler, e.Managed.Exec
	}
	return e.Compiler, e.Exec
}

// runField compiles and executes one root field.
func (e *Engine) runField(ctx context.Context, r plan.Root) (json.RawMessage, error) {
	compiler, x := e.backend(r.Model)
	switch {
	case r.Typename != "":
		return json.Marshal(r.Typename)
	case r.Select != nil && r.Select.Single:
		st, err := compiler.Select(r.Select)
		if err != nil {
			return nil, err
		}
		obj, err := x.One(ctx, st)
		if obj == nil && err == nil {
			obj = json.RawMessage("null")
		}
		return obj, err
	case r.Select != nil:
		return e.list(ctx, r, compiler, x)
	case r.Aggregate != nil:
		return e.aggregate(ctx, r.Aggregate, compiler, x)
	case r.Insert != nil:
		m, err := compiler.Insert(r.Insert)
		if err != nil {
			return nil, err
		}
		return mutate(ctx, x, m, "the row was not created")
	case r.Update != nil:
		m, err := compiler.Update(r.Update)
		if err != nil {
			return nil, err
		}
		return mutate(ctx, x, m, missing(r.Update.Authorized))
	case r.Delete != nil:
		m, err := compiler.Delete(r.Delete)
		if err != nil {
			return nil, err
		}
		return mutate(ctx, x, m, missing(r.Delete.Authorized))
	case r.Custom != nil:
		// The author's SQL returns rows of its own making, so the executor
		// shapes them into the declared type in Go, not the database.
		st, err := e.Compiler.Custom(r.Custom)
		if err != nil {
			return nil, err
		}
		return e.Exec.Custom(ctx, st, r.Custom)
	}
	return nil, qerr.New(qerr.Unsupported, "this field cannot be served yet")
}

// missing says why an update or delete changed nothing. It does not say
// whether a row the caller may not change exists: that would tell a
// stranger which keys are taken.
func missing(authorized bool) string {
	if authorized {
		return "no row that you may change matches the key and condition"
	}
	return "no row matches the key and condition"
}

func mutate(ctx context.Context, x *exec.Executor, m sqlgen.Mutation, missing string) (json.RawMessage, error) {
	obj, err := x.Mutate(ctx, m)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, qerr.New(qerr.Conditional, "The conditional request failed: "+missing)
	}
	return obj, nil
}

// fail logs err with the request id and renders it for the client.
func (e *Engine) fail(ctx context.Context, requestID string, path []any, err error) Response {
	kind := qerr.KindOf(err)
	// A client's own mistake is routine for the server: Info, so that a
	// broken or hostile client cannot fill the warnings. What the operator
	// should look at is Warn (the database is slow or away) or Error.
	level := slog.LevelInfo
	switch kind {
	case qerr.Unavailable, qerr.Timeout, qerr.Throttled:
		level = slog.LevelWarn
	case qerr.Internal, qerr.Misconfig, qerr.Ambiguous:
		level = slog.LevelError
	}
	if e.Log != nil {
		e.Log.Log(ctx, level, "request failed", "request_id", requestID, "kind", string(kind), "path", path, "error", err.Error())
	}
	return Response{Data: json.RawMessage("null"), Errors: []Error{{
		Message:   qerr.ClientMessage(err, e.Debug),
		Path:      path,
		ErrorType: qerr.ErrorType(kind),
	}}}
}

func (e *Engine) timer() func(stage string) {
	start := time.Now()
	return func(stage string) {
		now := time.Now()
		if e.Observe != nil {
			e.Observe(stage, now.Sub(start))
		}
		start = now
	}
}

func (e *Engine) parse(query string) (*ast.QueryDocument, error) {
	key := sha256.Sum256([]byte(query))
	if doc, ok := e.docs.get(key); ok {
		return doc, nil
	}
	doc, err := e.Limits.WithDefaults().load(e.API.AST, query)
	if err != nil {
		return nil, err
	}
	// Large documents are validated each time: caching them would let a
	// client pin gigabytes with a few thousand distinct big queries.
	if len(query) <= maxCachedDoc {
		e.docs.put(key, doc)
	}
	return doc, nil
}

// docCache keeps parsed and validated documents by the hash of their text.
// Clients send the same few documents over and over; when the cache is
// full it starts again, which bounds memory without bookkeeping.
type docCache struct {
	mu   sync.Mutex
	docs map[[32]byte]*ast.QueryDocument
}

const (
	docCacheSize = 2048
	maxCachedDoc = 16 << 10
)

func (c *docCache) get(k [32]byte) (*ast.QueryDocument, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.docs[k]
	return d, ok
}

func (c *docCache) put(k [32]byte, d *ast.QueryDocument) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil || len(c.docs) >= docCacheSize {
		c.docs = map[[32]byte]*ast.QueryDocument{}
	}
	c.docs[k] = d
}

func pickOperation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0]
		}
		return nil
	}
	return doc.Operations.ForName(name)
}

func decodeVariables(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	// Numbers stay exact: a 64-bit id must not pass through float64.
	dec.UseNumber()
	var vars map[string]any
	if err := dec.Decode(&vars); err != nil {
		return nil, qerr.Wrap(qerr.BadRequest, "variables must be a JSON object", err)
	}
	return vars, nil
}

func gqlErrors(list gqlerror.List) []Error {
	out := make([]Error, len(list))
	for i, e := range list {
		var path []any
		for _, p := range e.Path {
			path = append(path, p)
		}
		out[i] = Error{Message: e.Message, Path: path, Locations: e.Locations, ErrorType: qerr.ErrorType(qerr.Validation)}
	}
	return out
}

func writeKey(b *bytes.Buffer, k string) {
	writeString(b, k)
	b.WriteByte(':')
}

func writeString(b *bytes.Buffer, s string) {
	raw, _ := json.Marshal(s)
	b.Write(raw)
}

// ErrorResponse renders an error that happened before a request reached
// the engine (a bad body, a missing API key).
func ErrorResponse(err error, debug bool) Response {
	return Response{Data: json.RawMessage("null"), Errors: []Error{{
		Message: qerr.ClientMessage(err, debug), ErrorType: qerr.ErrorType(qerr.KindOf(err)),
	}}}
}
