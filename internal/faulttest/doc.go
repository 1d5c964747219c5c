// Package faulttest holds fault tests for `quarry serve`: it builds the
// binary once, starts database servers of its own (PostgreSQL, MariaDB) in
// temporary directories on free ports, runs quarry as a child process
// against them, and breaks things under load: the database restarted or
// frozen mid-write, a connection limit far below the number of clients,
// SIGTERM with requests in flight and a subscription open.
//
// The package has test files only, apart from this comment. Run it with
//
//	go test -race -count=1 -v ./internal/faulttest/
//
// Locally a missing database binary skips a test with a loud message;
// under CI=true it fails it.
package faulttest
