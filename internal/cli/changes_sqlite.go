package cli

import "errors"

// newSQLiteChanges is SQLite's change stream.
func (e *env) newSQLiteChanges(f *serveFlags, b *built) (changeStream, error) {
	return nil, errors.New("reading the database's change stream is not supported yet on SQLite: use --changes mutations")
}
