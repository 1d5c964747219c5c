package introspect

import (
	"context"
	"database/sql"
)

// Options says what to read.
type Options struct {
	// Database is the database (MySQL schema) to read. PostgreSQL reads the
	// database it is connected to; SQLite the file it opened.
	Database string
	// Schemas lists the PostgreSQL schemas to read, in order; default
	// ["public"]. Ignored by the other engines.
	Schemas []string
	// Indexes also reads each table's non-unique indexes (Table.Indexes),
	// in one more query, for `generate --propose-indexes`.
	Indexes bool
	// Progress, when set, receives short human-readable progress lines
	// ("read 1000 columns"); the CLI prints them on stderr.
	Progress func(msg string)
}

func (o Options) progress(msg string) {
	if o.Progress != nil {
		o.Progress(msg)
	}
}

// Querier is the part of *sql.DB that introspection needs.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
