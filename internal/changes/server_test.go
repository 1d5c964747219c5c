package changes

// A PostgreSQL server of the test's own, with wal_level=logical: the
// shared server on 5432 runs with wal_level=replica and must not be
// reconfigured. internal/testpg starts it; internal/cli's tests use the
// same starter.

import (
	"testing"

	"github.com/quarrydata/quarry/internal/testpg"
)

// missing skips the test loudly, or fails it under CI=true.
func missing(t testing.TB, what string, err error) {
	t.Helper()
	testpg.Missing(t, what, err)
}

// pgServer is a postmaster of the test's own.
type pgServer struct{ *testpg.Server }

// startPostgres starts PostgreSQL with wal_level=logical; extra are more
// name=value settings.
func startPostgres(t testing.TB, extra ...string) *pgServer {
	t.Helper()
	return &pgServer{testpg.Start(t, extra...)}
}

func (s *pgServer) uri(role string) string { return s.URI(role) }
