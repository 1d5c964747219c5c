package introspect

import (
	"context"
	"fmt"
)

// Read reads the catalog of the database q is connected to. engine is one
// of the Engine constants; it is the one place that picks an engine's reader.
func Read(ctx context.Context, q Querier, engine string, opts Options) (*Catalog, error) {
	switch engine {
	case EnginePostgres:
		return readPostgres(ctx, q, opts)
	case EngineMySQL:
		if opts.Database == "" {
			return nil, fmt.Errorf("introspect: the MySQL connection URI names no database: add it as the path, e.g. mysql://user@host:3306/shop")
		}
		return readMySQL(ctx, q, opts)
	case EngineSQLite:
		return readSQLite(ctx, q, opts)
	}
	return nil, fmt.Errorf("introspect: unknown engine %q", engine)
}
