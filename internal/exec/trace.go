package exec

import (
	"context"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Tracer is told about every statement the executor sends, for metrics
// and traces (as pgx's QueryTracer is). A statement starts once it holds
// its pool slot, so the time it reports is the database's, not the
// queue's (the pool's own metrics count that). A mutation is one
// statement here: its steps and commit run in one transaction, which is
// what succeeds or fails. Both methods are called from concurrent
// requests.
type Tracer interface {
	// StatementStart returns the context the statement runs with (a
	// tracer puts its span there).
	StatementStart(ctx context.Context, st StatementInfo) context.Context
	// StatementEnd is called with the context StatementStart returned and
	// the statement's error (a *qerr.Error), nil when it succeeded.
	StatementEnd(ctx context.Context, st StatementInfo, err error)
}

// StatementInfo describes a statement to a Tracer: what it serves and its
// text, never its bound values.
type StatementInfo struct {
	// Field is the root field the statement serves (WithField); zero when
	// the caller named none.
	Field Field
	// Verb is the SQL operation: Field.Verb when given, else the
	// statement's first keyword (SELECT, INSERT, WITH, CALL…).
	Verb string
	// SQL is the statement's text with placeholders for its values; a
	// mutation's steps are joined by ";\n". It can be large.
	SQL string
	// Start is when the statement got its connection.
	Start time.Time
}

// Field is the root field a statement serves, as the schema names it
// (never a client's alias, so that a metric labelled by it stays bounded).
type Field struct {
	// Operation is "query" or "mutation".
	Operation string
	// Kind is the root field's kind as the request metrics label it
	// (get, list, create, update, delete, customQuery, customMutation).
	Kind string
	// Name is the root field's name ("listEvents").
	Name string
	// Verb is the statement's SQL operation when the caller knows it
	// (SELECT for a get or list); empty means read it from the SQL.
	Verb string
}

type fieldKey struct{}

// WithField tells the statements run with ctx which root field they
// serve.
func WithField(ctx context.Context, f Field) context.Context {
	return context.WithValue(ctx, fieldKey{}, f)
}

func fieldOf(ctx context.Context) Field {
	f, _ := ctx.Value(fieldKey{}).(Field)
	return f
}

// trace starts the statement sql for the Tracer, if there is one; end
// must be called with the statement's error.
func (x *Executor) trace(ctx context.Context, sql string) (context.Context, func(error)) {
	if x.Tracer == nil {
		return ctx, noTrace
	}
	info := StatementInfo{Field: fieldOf(ctx), SQL: sql, Start: time.Now()}
	info.Verb = info.Field.Verb
	if info.Verb == "" {
		info.Verb = firstKeyword(sql)
	}
	ctx = x.Tracer.StatementStart(ctx, info)
	return ctx, func(err error) { x.Tracer.StatementEnd(ctx, info, err) }
}

func noTrace(error) {}

// mutationSQL is a mutation's text for the Tracer: its steps joined; not
// built when no one reads it.
func (x *Executor) mutationSQL(m sqlgen.Mutation) string {
	if x.Tracer == nil {
		return ""
	}
	parts := make([]string, len(m.Steps))
	for i, s := range m.Steps {
		parts[i] = s.SQL
	}
	return strings.Join(parts, ";\n")
}

// firstKeyword is the statement's leading word in upper case ("SELECT"),
// at most 16 letters, or "OTHER".
func firstKeyword(sql string) string {
	s := strings.TrimLeft(sql, " \t\r\n(")
	n := 0
	for n < len(s) && n < 16 && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z') {
		n++
	}
	if n == 0 {
		return "OTHER"
	}
	return strings.ToUpper(s[:n])
}
