package exec

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// MaxRows bounds the rows one custom operation may return: its SQL is the
// schema author's, with no page size, and every row is held in memory
// while it is shaped. More fails the request rather than the server.
const MaxRows = 10000

// Result is the rows a statement returned, for results whose shape the
// database does not build (custom operations).
type Result struct {
	Columns []Column
	// Rows hold values as the driver gives them (int64, float64, bool,
	// string, time.Time, nil), except that bytes are a string unless the
	// column is binary: MySQL sends nearly everything as bytes, and
	// PostgreSQL sends json that way.
	Rows [][]any
}

// Column is a result column.
type Column struct {
	Name string
	// DBType is the driver's database type name in upper case, without a
	// length ("TIMESTAMPTZ", "DATETIME", "NUMERIC", "_TEXT", "JSON");
	// empty when the driver cannot tell (an SQLite expression).
	DBType string
}

// Rows runs a statement that reads (a custom query) and returns its rows.
func (x *Executor) Rows(ctx context.Context, st sqlgen.Statement) (_ *Result, err error) {
	ctx, done, err := x.slot(ctx, st.SQL)
	if err != nil {
		return nil, err
	}
	defer func() { done(err) }()
	x.observe(st.SQL)
	rows, err := x.db.QueryContext(ctx, st.SQL, st.Args...)
	if err != nil {
		return nil, x.failed(err)
	}
	res, err := readRows(ctx, rows)
	if err == nil {
		x.outage.end()
	}
	return res, err
}

// Custom runs a custom operation's statement and shapes its rows into
// the declared return type (Shape). A custom mutation runs in a
// transaction that commits only once its rows are read and shaped, so an
// error of any kind, the result not fitting the type included, means
// nothing changed.
func (x *Executor) Custom(ctx context.Context, st sqlgen.Statement, c *plan.Custom) (_ json.RawMessage, err error) {
	if !c.Mutation {
		res, err := x.Rows(ctx, st)
		if err != nil {
			return nil, err
		}
		return Shape(c.Return, res)
	}
	ctx, done, err := x.slot(ctx, st.SQL)
	if err != nil {
		return nil, err
	}
	defer func() { done(err) }()
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, x.failed(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	x.observe(st.SQL)
	rows, err := tx.QueryContext(ctx, st.SQL, st.Args...)
	if err != nil {
		return nil, x.failed(err)
	}
	res, err := readRows(ctx, rows)
	if err != nil {
		return nil, err
	}
	out, err := Shape(c.Return, res)
	if err != nil {
		return nil, err
	}
	if err := x.commit(ctx, tx); err != nil {
		return nil, err
	}
	return out, nil
}

// readRows reads and closes rows, charging each to the request's budget.
func readRows(ctx context.Context, rows *sql.Rows) (*Result, error) {
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, connect.QueryError(err)
	}
	res := &Result{Columns: make([]Column, len(types))}
	for i, ct := range types {
		res.Columns[i] = Column{Name: ct.Name(), DBType: baseType(ct.DatabaseTypeName())}
	}
	for rows.Next() {
		if len(res.Rows) == MaxRows {
			return nil, qerr.New(qerr.TooLarge, fmt.Sprintf("the statement returned more than %d rows; page it with LIMIT and OFFSET arguments", MaxRows))
		}
		vals := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, connect.QueryError(err)
		}
		size := 0
		for i, v := range vals {
			// Scan into *any copies bytes, so they outlive the row.
			if b, ok := v.([]byte); ok && !binary(res.Columns[i].DBType, b) {
				vals[i] = string(b)
			}
			size += valueSize(vals[i])
		}
		if err := charge(ctx, 1, size); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, connect.QueryError(err)
	}
	return res, nil
}

// baseType upper-cases a driver's type name and drops a length or
// precision: SQLite reports the declared type ("NVARCHAR(160)").
func baseType(name string) string {
	if i := strings.IndexByte(name, '('); i >= 0 {
		name = name[:i]
	}
	return strings.ToUpper(strings.TrimSpace(name))
}

// binary reports whether bytes read from a column of type dbType are
// binary data rather than text. PostgreSQL and MySQL always name the
// type; SQLite names none for an expression or an untyped column, and its
// driver gives bytes only for BLOB values. Bytes that are not UTF-8 are
// binary whatever the column says.
func binary(dbType string, b []byte) bool {
	switch dbType {
	case "", "BYTEA", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY", "GEOMETRY", "BIT":
		return true
	}
	return !utf8.Valid(b)
}

// valueSize approximates the bytes a scanned value takes in the response.
func valueSize(v any) int {
	switch v := v.(type) {
	case string:
		return len(v) + 2
	case []byte:
		return len(v) * 4 / 3
	}
	return 8
}
