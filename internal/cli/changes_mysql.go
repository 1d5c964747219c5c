package cli

import "errors"

// newMySQLChanges is MySQL/MariaDB's change stream: the row-based binary
// log read through internal/changes.MySQL.
func (e *env) newMySQLChanges(f *serveFlags, b *built) (changeStream, error) {
	return nil, errors.New("reading the database's change stream is not supported yet on MySQL/MariaDB: use --changes mutations")
}
