package introspect

import (
	"context"
	"fmt"
	"strings"
)

// Read reads the catalog of the database q is connected to. engine is one
// of the Engine constants; it is the one place that picks an engine's reader.
func Read(ctx context.Context, q Querier, engine string, opts Options) (*Catalog, error) {
	c, err := read(ctx, q, engine, opts)
	if err != nil {
		return nil, err
	}
	if opts.Indexes {
		if err := readIndexes(ctx, q, engine, opts, c); err != nil {
			return nil, err
		}
	}
	return withoutBookkeeping(c), nil
}

// BookkeepingPrefix starts the names of the tables Quarry itself keeps in a
// served database (--changes database on SQLite and MySQL: the change log
// and the stream positions). They are Quarry's, not the user's data, so they
// are never read as tables to serve.
const BookkeepingPrefix = "quarry_changes"

func withoutBookkeeping(c *Catalog) *Catalog {
	kept := c.Tables[:0]
	for _, t := range c.Tables {
		if !strings.HasPrefix(strings.ToLower(t.Name), BookkeepingPrefix) {
			kept = append(kept, t)
		}
	}
	c.Tables = kept
	return c
}

func read(ctx context.Context, q Querier, engine string, opts Options) (*Catalog, error) {
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
