package faulttest

import (
	"testing"
	"time"
)

// writeClients is how many clients send creates at once.
const writeClients = 32

// maxRecovery bounds the time from the database accepting connections
// again to the first acknowledged write.
const maxRecovery = 5 * time.Second

// TestDatabaseRestartUnderWriteLoad stops the database (PostgreSQL: fast
// shutdown; MariaDB: SIGTERM) 2 s into a write load of 32 clients and
// starts it again 1.5 s later on the same port and data directory. No
// acknowledged write may be lost; failures say the service is unavailable;
// a failed write whose row was stored anyway must have said its outcome
// was unknown; writes are acknowledged again soon after the restart.
func TestDatabaseRestartUnderWriteLoad(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		s := startPostgres(t)
		execAll(t, s.Admin(t), "CREATE TABLE item (id text PRIMARY KEY, n int)")
		restartUnderLoad(t, s, "item")
	})
	t.Run("mariadb", func(t *testing.T) {
		s := startMariaDB(t)
		execAll(t, s.Admin(t), "CREATE DATABASE fault", "CREATE TABLE fault.item (id varchar(64) PRIMARY KEY, n int)")
		restartUnderLoad(t, s, "fault.item")
	})
}

func restartUnderLoad(t *testing.T, s dbServer, table string) {
	pr := newProject(t, s.URI())
	q := startQuarry(t, pr)
	w := startWriteLoad(q.url, pr.key, writeClients)
	defer w.finish()

	time.Sleep(2 * time.Second)
	stopAt := time.Now()
	s.Stop(t)
	downAt := time.Now()
	time.Sleep(1500 * time.Millisecond)
	restartAt := time.Now()
	s.Start(t)
	readyAt := s.WaitReady(t)
	w.runUntil(readyAt, 6*time.Second, 2*maxRecovery)
	attempts := w.finish()

	r := analyse(attempts, storedIDs(t, s, table), restartAt, readyAt)
	t.Logf("SUMMARY restart/%s: %s stopTookMs=%d startToReadyMs=%d downMs=%d loadMs=%d",
		s.Name(), r.summary(), downAt.Sub(stopAt).Milliseconds(), readyAt.Sub(restartAt).Milliseconds(),
		readyAt.Sub(stopAt).Milliseconds(), time.Since(w.started).Milliseconds())
	r.check(t, maxRecovery)
}

// TestDatabaseFrozenUnderWriteLoad freezes PostgreSQL (SIGSTOP to the
// postmaster and every backend) for 3 s in the middle of a write load,
// with quarry's statement timeout and queue wait at 1 s so that requests
// fail during the freeze rather than wait it out. The same guarantees as
// for a restart hold; recovery is timed from SIGCONT.
func TestDatabaseFrozenUnderWriteLoad(t *testing.T) {
	s := startPostgres(t)
	execAll(t, s.Admin(t), "CREATE TABLE item (id text PRIMARY KEY, n int)")
	pr := newProject(t, s.URI())
	q := startQuarry(t, pr, "--statement-timeout", "1s", "--queue-wait", "1s")
	w := startWriteLoad(q.url, pr.key, writeClients)
	defer w.finish()

	time.Sleep(1500 * time.Millisecond)
	s.Freeze(t)
	frozenAt := time.Now()
	time.Sleep(3 * time.Second)
	s.Thaw(t)
	thawAt := time.Now()
	w.runUntil(thawAt, 6*time.Second, 2*maxRecovery)
	attempts := w.finish()

	r := analyse(attempts, storedIDs(t, s, "item"), thawAt, thawAt)
	t.Logf("SUMMARY sigstop/postgres: %s frozenMs=%d loadMs=%d",
		r.summary(), thawAt.Sub(frozenAt).Milliseconds(), time.Since(w.started).Milliseconds())
	r.check(t, maxRecovery)
}
