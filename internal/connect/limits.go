package connect

import (
	"context"
	"fmt"
)

// MaxConnections returns how many connections the server accepts from
// ordinary users: PostgreSQL's max_connections less the slots reserved
// for superusers, MySQL's max_connections. SQLite has no such limit (0).
func (db *DB) MaxConnections(ctx context.Context) (int, error) {
	var q string
	switch db.Engine {
	case Postgres:
		q = `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0)`
	case MySQL:
		q = `SELECT @@max_connections`
	default:
		return 0, nil
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("read max_connections: %w", err)
	}
	return n, nil
}
