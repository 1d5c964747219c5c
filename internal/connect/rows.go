package connect

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// ReadBytes runs a statement whose columns are text (the JSON a compiled
// statement builds) and calls fn with each row's columns, in order. The
// bytes are the driver's buffer: valid only until fn returns, so fn copies
// what it keeps. A NULL column is nil.
//
// On PostgreSQL it runs the statement on the pool's pgx connection itself:
// database/sql's own rows, value conversion and scanning cost ~6 µs of CPU
// per request on the benchmark's small reads (bench/README.md), and pgx
// hands over the column bytes as they arrived. The statement cache, the
// PgBouncer exec mode and the connection's settings are the connection's,
// the same either way. A connection found broken before the statement ran
// goes back to database/sql, which discards it and retries as it always
// does. Other engines read through database/sql.
func ReadBytes(ctx context.Context, db *sql.DB, query string, args []any, fn func(cols [][]byte) error) error {
	if _, ok := db.Driver().(*stdlib.Driver); ok {
		err := readPgx(ctx, db, query, args, fn)
		if !errors.Is(err, driver.ErrBadConn) {
			return err
		}
	}
	return readSQL(ctx, db, query, args, fn)
}

// readPgx reads on one connection of the pool through pgx. It reports
// driver.ErrBadConn, having sent nothing the server ran, when the
// connection was closed or failed before the statement was sent.
func readPgx(ctx context.Context, db *sql.DB, query string, args []any, fn func(cols [][]byte) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("connect: a pgx pool lent a %T", dc)
		}
		pc := sc.Conn()
		if pc.IsClosed() {
			return driver.ErrBadConn
		}
		rows, err := pc.Query(ctx, query, args...)
		if err != nil {
			if pgconn.SafeToRetry(err) {
				// Returned from Raw, ErrBadConn also makes database/sql
				// close this connection rather than pool it again.
				return driver.ErrBadConn
			}
			return err
		}
		defer rows.Close()
		text := true
		for _, fd := range rows.FieldDescriptions() {
			text = text && fd.Format == pgx.TextFormatCode
		}
		var cols [][]byte
		read := false
		for rows.Next() {
			read = true
			if text {
				cols = rows.RawValues()
			} else if cols, err = scanBinary(rows); err != nil {
				return err
			}
			if err := fn(cols); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil && !read && pgconn.SafeToRetry(err) {
			return driver.ErrBadConn
		}
		return rows.Err()
	})
}

// scanBinary reads a row some of whose columns came in binary (jsonb,
// which compiled statements do not return today) through pgx's decoding.
func scanBinary(rows pgx.Rows) ([][]byte, error) {
	cols := make([][]byte, len(rows.FieldDescriptions()))
	ptrs := make([]any, len(cols))
	for i := range cols {
		ptrs[i] = &cols[i]
	}
	return cols, rows.Scan(ptrs...)
}

// readSQL reads through database/sql.
func readSQL(ctx context.Context, db *sql.DB, query string, args []any, fn func(cols [][]byte) error) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return err
	}
	raw := make([]sql.RawBytes, len(names))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	cols := make([][]byte, len(raw))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, r := range raw {
			cols[i] = r
		}
		if err := fn(cols); err != nil {
			return err
		}
	}
	return rows.Err()
}
