package connect

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
)

// Describe has the server prepare query, without running it, so that a
// statement naming a missing table or column, or with a syntax error,
// fails when the schema is built rather than on its first request. It
// returns the names of the columns the statement would return where the
// engine tells them before running (PostgreSQL); nil elsewhere.
func (db *DB) Describe(ctx context.Context, query string) ([]string, error) {
	if db.Engine != Postgres {
		// MySQL and MariaDB prepare on the server (COM_STMT_PREPARE),
		// SQLite compiles: both resolve tables and columns.
		st, err := db.SQL.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		return nil, st.Close()
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var names []string
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("describe: unexpected driver connection %T", dc)
		}
		// The unnamed statement: nothing to deallocate, and it works
		// behind PgBouncer in transaction mode.
		sd, err := c.Conn().Prepare(ctx, "", query)
		if err != nil {
			return err
		}
		for _, f := range sd.Fields {
			names = append(names, f.Name)
		}
		return nil
	})
	return names, err
}
