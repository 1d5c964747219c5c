package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver, to compare values with
)

// batch is one transaction as a handler received it.
type batch struct {
	lsn LSN
	tx  []Change
}

func connConfig(t testing.TB, uri string) *pgx.ConnConfig {
	t.Helper()
	c, err := pgx.ParseConfig(uri + "&timezone=UTC")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func dial(t testing.TB, uri string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// run executes SQL as psql would: literal text, no parameters.
func run(t testing.TB, c *pgx.Conn, script ...string) {
	t.Helper()
	for _, s := range script {
		if _, err := c.Exec(context.Background(), s, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// source sets up a source named name over tables.
func source(t testing.TB, s *pgServer, name string, tables ...Table) *Postgres {
	t.Helper()
	p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, s.uri("postgres")), Name: name, Tables: tables, StatusInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Setup(context.Background()); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return p
}

// streamer runs Stream in the background; accept decides each batch's
// handler result after it was recorded.
type streamer struct {
	batches chan batch
	cancel  context.CancelFunc
	done    chan error
}

func stream(t testing.TB, p *Postgres, from LSN, accept func(batch) error) *streamer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &streamer{batches: make(chan batch, 20000), cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- p.Stream(ctx, from, func(_ context.Context, tx []Change, lsn LSN) error {
			b := batch{lsn: lsn, tx: tx}
			s.batches <- b
			if accept != nil {
				return accept(b)
			}
			return nil
		})
	}()
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *streamer) stop() error {
	s.cancel()
	return <-s.done
}

func (s *streamer) next(t testing.TB) batch {
	t.Helper()
	select {
	case b := <-s.batches:
		return b
	case err := <-s.done:
		s.done <- err
		select { // the handler records its batch before Stream returns
		case b := <-s.batches:
			return b
		default:
		}
		t.Fatalf("the stream ended: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no transaction arrived within 30 s")
	}
	return batch{}
}

// quiet fails if a transaction arrives within d.
func (s *streamer) quiet(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case b := <-s.batches:
		t.Fatalf("unexpected transaction: %+v", b.tx)
	case <-time.After(d):
	}
}

func TestPostgres(t *testing.T) {
	srv := startPostgres(t, "max_replication_slots=10", "max_wal_senders=10", "wal_sender_timeout=5s")
	admin := dial(t, srv.uri("postgres"))
	run(t, admin, `CREATE SCHEMA "Shop"`,
		`CREATE TABLE "Shop"."Order Items" (id int PRIMARY KEY, big bigint, price numeric(10,2), name text, ok bool,
		  at timestamptz, day date, uid uuid, doc jsonb, bin bytea, tags text[], "Qty" int)`)
	items := Table{"Shop", "Order Items"}

	t.Run("values, order and whole transactions", func(t *testing.T) {
		p := source(t, srv, "values", items)
		s := stream(t, p, 0, nil)
		run(t, admin, `INSERT INTO "Shop"."Order Items" VALUES (1, 9007199254740993, 12.50, 'héllo "q"', true,
		  '2024-02-29 13:14:15.123456+02', '2024-02-29', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2.5, "x"]}',
		  '\x00ff10', ARRAY['a','b c',NULL], 7)`,
			`INSERT INTO "Shop"."Order Items" (id) VALUES (2)`)
		b1, b2 := s.next(t), s.next(t)
		if len(b1.tx) != 1 || len(b2.tx) != 1 || b1.lsn >= b2.lsn {
			t.Fatalf("want two transactions of one row in LSN order, got %d at %s and %d at %s", len(b1.tx), b1.lsn, len(b2.tx), b2.lsn)
		}
		want := map[string]any{"id": int64(1), "big": int64(9007199254740993), "price": "12.50", "name": `héllo "q"`, "ok": true,
			"at": time.Date(2024, 2, 29, 11, 14, 15, 123456000, time.UTC), "day": time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
			"uid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "doc": []byte(`{"a": [1, 2.5, "x"]}`), "bin": []byte{0, 0xff, 0x10},
			"tags": `{a,"b c",NULL}`, "Qty": int64(7)}
		c := b1.tx[0]
		if c.Op != OpCreate || c.Schema != "Shop" || c.Table != "Order Items" || c.Old != nil || c.LSN != b1.lsn || c.Commit.IsZero() {
			t.Fatalf("insert arrived as %+v", c)
		}
		sameValues(t, "want", want, c.New)
		nulls := b2.tx[0].New
		for k, v := range nulls {
			if k != "id" && v != nil {
				t.Errorf("%s of row 2 is %#v, want nil", k, v)
			}
		}
		if len(nulls) != len(want) {
			t.Errorf("row 2 has %d columns, want %d", len(nulls), len(want))
		}
		// The same columns read through database/sql and pgx's stdlib
		// driver, as Quarry reads query results.
		db, err := sql.Open("pgx", srv.uri("postgres")+"&timezone=UTC")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		sameValues(t, "database/sql", scanRow(t, db, `SELECT * FROM "Shop"."Order Items" WHERE id = 1`), c.New)

		// A transaction of several rows arrives as one batch, in order;
		// a rolled-back one never arrives.
		run(t, admin, `BEGIN; INSERT INTO "Shop"."Order Items" (id) VALUES (3); UPDATE "Shop"."Order Items" SET name = 'changed' WHERE id = 1;
		  DELETE FROM "Shop"."Order Items" WHERE id = 2; COMMIT`,
			`BEGIN; INSERT INTO "Shop"."Order Items" (id) VALUES (99); ROLLBACK`,
			`INSERT INTO "Shop"."Order Items" (id) VALUES (4)`)
		b3 := s.next(t)
		ops := []string{}
		for _, c := range b3.tx {
			ops = append(ops, c.Op)
			if c.LSN != b3.lsn {
				t.Errorf("a change of the transaction at %s has LSN %s", b3.lsn, c.LSN)
			}
		}
		if !slices.Equal(ops, []string{OpCreate, OpUpdate, OpDelete}) {
			t.Fatalf("the transaction arrived as %v, want create, update, delete in one batch", ops)
		}
		if up := b3.tx[1]; up.New["name"] != "changed" || !up.OldKeysOnly || !reflect.DeepEqual(up.Old, map[string]any{"id": int64(1)}) {
			t.Errorf("update: New[name]=%v Old=%v OldKeysOnly=%v", up.New["name"], up.Old, up.OldKeysOnly)
		}
		if del := b3.tx[2]; del.New != nil || !del.OldKeysOnly || !reflect.DeepEqual(del.Old, map[string]any{"id": int64(2)}) {
			t.Errorf("delete: New=%v Old=%v OldKeysOnly=%v", del.New, del.Old, del.OldKeysOnly)
		}
		if b4 := s.next(t); b4.tx[0].New["id"] != int64(4) {
			t.Fatalf("after the rolled-back transaction came %+v, want the insert of row 4", b4.tx)
		}
		// TRUNCATE arrives as such.
		run(t, admin, `TRUNCATE "Shop"."Order Items"`)
		if b := s.next(t); len(b.tx) != 1 || b.tx[0].Op != OpTruncate || b.tx[0].Table != "Order Items" {
			t.Fatalf("truncate arrived as %+v", b.tx)
		}
	})

	t.Run("what was not acknowledged arrives again", func(t *testing.T) {
		run(t, admin, `CREATE TABLE resume (id int PRIMARY KEY)`)
		p := source(t, srv, "resume", Table{"public", "resume"})
		stop := errors.New("stopped before handing on")
		s := stream(t, p, 0, func(b batch) error {
			if b.tx[0].New["id"] == int64(3) {
				return stop
			}
			return nil
		})
		for i := 1; i <= 3; i++ {
			run(t, admin, fmt.Sprintf("INSERT INTO resume VALUES (%d)", i))
		}
		for i := 1; i <= 3; i++ {
			s.next(t)
		}
		if err := <-s.done; !errors.Is(err, stop) {
			t.Fatalf("Stream returned %v, want the handler's error", err)
		}
		s.done <- nil
		run(t, admin, "INSERT INTO resume VALUES (4)", "INSERT INTO resume VALUES (5)")
		s2 := stream(t, p, 0, nil)
		var got []any
		for i := 0; i < 3; i++ {
			got = append(got, s2.next(t).tx[0].New["id"])
		}
		if !reflect.DeepEqual(got, []any{int64(3), int64(4), int64(5)}) {
			t.Fatalf("after a restart arrived %v, want 3 (not acknowledged), 4, 5 and not 1, 2", got)
		}
		s2.quiet(t, 500*time.Millisecond)
	})

	t.Run("old values by replica identity, unchanged TOAST values", func(t *testing.T) {
		run(t, admin, `CREATE TABLE keys_t (id int PRIMARY KEY, v text, big text)`,
			`CREATE TABLE full_t (id int PRIMARY KEY, v text, big text)`,
			`ALTER TABLE full_t REPLICA IDENTITY FULL`,
			`ALTER TABLE keys_t ALTER big SET STORAGE EXTERNAL`, `ALTER TABLE full_t ALTER big SET STORAGE EXTERNAL`)
		p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, srv.uri("postgres")), Name: "ident",
			Tables: []Table{{"public", "keys_t"}, {"public", "full_t"}}})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := p.Setup(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rep.KeysOnly, []Table{{"public", "keys_t"}}) || !reflect.DeepEqual(rep.Full, []Table{{"public", "full_t"}}) || !rep.SlotCreated {
			t.Fatalf("report: %+v", rep)
		}
		s := stream(t, p, 0, nil)
		big := strings.Repeat("0123456789abcdef", 1024) // 16 kB, stored out of line
		for _, tb := range []string{"keys_t", "full_t"} {
			run(t, admin, fmt.Sprintf("INSERT INTO %s VALUES (1, 'a', '%s')", tb, big),
				fmt.Sprintf("UPDATE %s SET v = 'b' WHERE id = 1", tb),
				fmt.Sprintf("DELETE FROM %s WHERE id = 1", tb))
			s.next(t)
			up, del := s.next(t).tx[0], s.next(t).tx[0]
			if tb == "keys_t" {
				if !up.OldKeysOnly || !reflect.DeepEqual(up.Old, map[string]any{"id": int64(1)}) {
					t.Errorf("keys_t update: Old=%v OldKeysOnly=%v, want the key only", up.Old, up.OldKeysOnly)
				}
				if _, ok := up.New["big"]; ok || !slices.Equal(up.Unchanged, []string{"big"}) {
					t.Errorf("keys_t update: the unchanged TOASTed value arrived as %.20v (Unchanged=%v), want it left out and named", up.New["big"], up.Unchanged)
				}
				if !del.OldKeysOnly || !reflect.DeepEqual(del.Old, map[string]any{"id": int64(1)}) {
					t.Errorf("keys_t delete: Old=%v, want the key only", del.Old)
				}
				continue
			}
			wantOld := map[string]any{"id": int64(1), "v": "a", "big": big}
			if up.OldKeysOnly || !reflect.DeepEqual(up.Old, wantOld) {
				t.Errorf("full_t update: Old=%.60v OldKeysOnly=%v, want the whole old row", up.Old, up.OldKeysOnly)
			}
			if up.New["big"] != big || len(up.Unchanged) != 0 || up.New["v"] != "b" {
				t.Errorf("full_t update: New=%.60v Unchanged=%v, want the whole new row", up.New, up.Unchanged)
			}
			wantOld["v"] = "b"
			if del.OldKeysOnly || !reflect.DeepEqual(del.Old, wantOld) {
				t.Errorf("full_t delete: Old=%.60v, want the whole old row", del.Old)
			}
		}
	})

	t.Run("the publication follows the served tables", func(t *testing.T) {
		run(t, admin, `CREATE TABLE pub_a (id int PRIMARY KEY)`, `CREATE TABLE pub_b (id int PRIMARY KEY)`, `CREATE VIEW pub_v AS SELECT * FROM pub_a`)
		mk := func(tables ...Table) *Report {
			p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, srv.uri("postgres")), Name: "pub", Tables: tables})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := p.Setup(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		if rep := mk(Table{"public", "pub_a"}, Table{"public", "pub_v"}); !rep.PublicationChanged || !rep.SlotCreated ||
			!reflect.DeepEqual(rep.NotPublished, []Table{{"public", "pub_v"}}) {
			t.Fatalf("first set-up: %+v", rep)
		}
		if rep := mk(Table{"public", "pub_a"}, Table{"public", "pub_v"}); rep.PublicationChanged || rep.SlotCreated {
			t.Fatalf("the same tables again changed something: %+v", rep)
		}
		if rep := mk(Table{"public", "pub_b"}); !rep.PublicationChanged || rep.SlotCreated {
			t.Fatalf("other tables: %+v", rep)
		}
		have, err := publicationTables(context.Background(), admin, "quarry_pub")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(have, []string{`"public"."pub_b"`}) {
			t.Fatalf("the publication covers %v, want pub_b only", have)
		}
	})

	t.Run("a table no update could be identified in is refused", func(t *testing.T) {
		run(t, admin, `CREATE TABLE nokey (v text)`, `CREATE TABLE nothing_t (id int PRIMARY KEY)`, `ALTER TABLE nothing_t REPLICA IDENTITY NOTHING`)
		p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, srv.uri("postgres")), Name: "nokey",
			Tables: []Table{{"public", "nokey"}, {"public", "nothing_t"}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Setup(context.Background())
		for _, want := range []string{`table "public"."nokey" has no primary key`, `ALTER TABLE "public"."nokey" REPLICA IDENTITY FULL;`,
			`table "public"."nothing_t" has REPLICA IDENTITY NOTHING`, `ALTER TABLE "public"."nothing_t" REPLICA IDENTITY FULL;`} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Setup's error %v does not say %q", err, want)
			}
		}
	})

	t.Run("a role without REPLICATION is told what to grant", func(t *testing.T) {
		run(t, admin, `CREATE ROLE "App User" LOGIN`)
		p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, srv.uri("App%20User")), Name: "norepl", Tables: []Table{items}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Check(context.Background())
		want := `role "App User" may not read the change stream: run ALTER ROLE "App User" REPLICATION; as a superuser`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Check: %v\nwant: %s", err, want)
		}
	})

	t.Run("slots are listed and dropped, not while in use", func(t *testing.T) {
		run(t, admin, `CREATE TABLE slot_t (id int PRIMARY KEY)`)
		p := source(t, srv, "slots", Table{"public", "slot_t"})
		s := stream(t, p, 0, nil)
		run(t, admin, "INSERT INTO slot_t VALUES (1)")
		s.next(t)
		var got Slot
		waitFor(t, "the slot to be listed as active", func() bool {
			slots, err := ListSlots(context.Background(), admin)
			if err != nil {
				t.Fatal(err)
			}
			for _, sl := range slots {
				if sl.Name == "quarry_slots" {
					got = sl
				}
			}
			return got.Active
		})
		if got.Plugin != "pgoutput" || got.Type != "logical" || got.Database != "postgres" || got.ActivePID == 0 || got.ConfirmedFlushLSN == 0 || got.LagBytes < 0 {
			t.Fatalf("listed as %+v", got)
		}
		err := DropSlot(context.Background(), admin, "quarry_slots")
		if err == nil || !strings.Contains(err.Error(), "is in use by server process") {
			t.Fatalf("dropping the slot in use: %v", err)
		}
		if err := s.stop(); !errors.Is(err, context.Canceled) {
			t.Fatalf("stopping the stream: %v", err)
		}
		s.done <- nil
		waitFor(t, "the slot to be dropped", func() bool { return DropSlot(context.Background(), admin, "quarry_slots") == nil })
		slots, err := ListSlots(context.Background(), admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, sl := range slots {
			if sl.Name == "quarry_slots" {
				t.Fatal("the slot is still there")
			}
		}
		var pub bool
		if err := admin.QueryRow(context.Background(), "SELECT EXISTS (SELECT FROM pg_publication WHERE pubname = 'quarry_slots')").Scan(&pub); err != nil || pub {
			t.Fatalf("the publication is still there (%v)", err)
		}
		if err := DropSlot(context.Background(), admin, "quarry_slots"); err == nil || !strings.Contains(err.Error(), "there is no replication slot") {
			t.Fatalf("dropping it again: %v", err)
		}
	})

	t.Run("Follow reconnects and resumes", func(t *testing.T) {
		run(t, admin, `CREATE TABLE follow_t (id int PRIMARY KEY)`)
		p := source(t, srv, "follow", Table{"public", "follow_t"})
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan int64, 100)
		done := make(chan error, 1)
		go func() {
			done <- Follow(ctx, p, 0, func(_ context.Context, tx []Change, _ LSN) error {
				got <- tx[0].New["id"].(int64)
				return nil
			}, Backoff{Min: 50 * time.Millisecond, Max: time.Second}, nil)
		}()
		run(t, admin, "INSERT INTO follow_t VALUES (1)")
		if id := <-got; id != 1 {
			t.Fatalf("got %d", id)
		}
		// The stream's server process dies; writes go on meanwhile.
		run(t, admin, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'quarry_follow'",
			"INSERT INTO follow_t VALUES (2)", "INSERT INTO follow_t VALUES (3)")
		for want := int64(2); want <= 3; want++ {
			select {
			case id := <-got:
				if id != want {
					t.Fatalf("after the reconnection got %d, want %d", id, want)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("row %d did not arrive after the reconnection", want)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Follow returned %v after ctx ended, want nil", err)
		}
	})

	t.Run("throughput", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short")
		}
		run(t, admin, `CREATE TABLE tp (id int PRIMARY KEY, v text)`)
		p := source(t, srv, "tp", Table{"public", "tp"})
		s := stream(t, p, 0, nil)
		const n = 10000
		start := time.Now()
		wrote := make(chan time.Duration, 1)
		go func() {
			defer close(wrote)
			w, err := pgx.Connect(context.Background(), srv.uri("postgres"))
			if err != nil {
				t.Error(err)
				return
			}
			defer w.Close(context.Background())
			for i := 1; i <= n; i++ {
				if _, err := w.Exec(context.Background(), "INSERT INTO tp VALUES ($1, 'row')", i); err != nil {
					t.Error(err)
					return
				}
			}
			wrote <- time.Since(start)
		}()
		for i := 1; i <= n; i++ {
			if b := s.next(t); b.tx[0].New["id"] != int64(i) {
				t.Fatalf("insert %d arrived as %v", i, b.tx[0].New["id"])
			}
		}
		all := time.Since(start)
		writeDone := <-wrote
		t.Logf("%d single-row inserts from one writer: all received after %v (%.0f/s); the writer took %v", n, all.Round(time.Millisecond), n/all.Seconds(), writeDone.Round(time.Millisecond))
	})
}

// TestPostgresSlotsExhausted: with every slot taken, Setup names them and
// says how to free one.
func TestPostgresSlotsExhausted(t *testing.T) {
	srv := startPostgres(t, "max_replication_slots=1")
	admin := dial(t, srv.uri("postgres"))
	run(t, admin, `CREATE TABLE t (id int PRIMARY KEY)`, `SELECT pg_create_logical_replication_slot('old_deployment', 'pgoutput')`)
	p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, srv.uri("postgres")), Name: "new", Tables: []Table{{"public", "t"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Setup(context.Background())
	want := "all 1 replication slots are in use (max_replication_slots = 1): old_deployment. Drop one that is no longer used with `quarry changes drop NAME`"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Setup: %v\nwant: %s", err, want)
	}
}

// TestPostgresWalLevel reads (never changes) the shared server's
// wal_level, which is replica.
func TestPostgresWalLevel(t *testing.T) {
	uri := "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	c, err := pgx.Connect(context.Background(), uri)
	if err != nil {
		missing(t, "the shared PostgreSQL server on 127.0.0.1:5432", err)
	}
	var level string
	if err := c.QueryRow(context.Background(), "SHOW wal_level").Scan(&level); err != nil {
		t.Fatal(err)
	}
	c.Close(context.Background())
	if level == "logical" {
		t.Skip("the shared server already has wal_level=logical")
	}
	p, err := NewPostgres(PostgresOptions{Conn: connConfig(t, uri), Name: "wal", Tables: []Table{{"public", "none"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Check(context.Background())
	t.Logf("Check says:\n%v", err)
	want := `PostgreSQL's wal_level is "` + level + `"; reading changes made outside Quarry needs "logical": run ALTER SYSTEM SET wal_level = logical; as a superuser and restart PostgreSQL`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Check: %v\nwant: %s", err, want)
	}
}

func TestLSN(t *testing.T) {
	for _, s := range []string{"0/0", "16/B374D848", "FFFFFFFF/FFFFFFFF"} {
		l, err := ParseLSN(s)
		if err != nil || l.String() != s {
			t.Errorf("ParseLSN(%q) = %v, %v", s, l, err)
		}
	}
	for _, s := range []string{"", "16", "x/1", "1/"} {
		if _, err := ParseLSN(s); err == nil {
			t.Errorf("ParseLSN(%q) took it", s)
		}
	}
}

func TestNewPostgresRefusesBadNames(t *testing.T) {
	for _, name := range []string{"", "Main", "a-b", "a b", "x'; DROP", strings.Repeat("a", 57)} {
		if _, err := NewPostgres(PostgresOptions{Conn: &pgx.ConnConfig{}, Name: name, Tables: []Table{{"public", "t"}}}); err == nil {
			t.Errorf("name %q was taken", name)
		}
	}
}

// sameValues compares decoded rows value by value: times as instants,
// everything else by type and value.
func sameValues(t testing.TB, what string, want, got map[string]any) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("column %s is missing", k)
			continue
		}
		if wt, ok := w.(time.Time); ok {
			if gt, ok := g.(time.Time); !ok || !gt.Equal(wt) {
				t.Errorf("column %s: %T %v, %s has %v", k, g, g, what, w)
			}
			continue
		}
		if !reflect.DeepEqual(w, g) {
			t.Errorf("column %s: %T %#v, %s has %T %#v", k, g, g, what, w, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d columns, %s has %d", len(got), what, len(want))
	}
}

func scanRow(t testing.TB, db *sql.DB, q string) map[string]any {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("%s: no row (%v)", q, rows.Err())
	}
	vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for i, c := range cols {
		out[c] = vals[i]
	}
	return out
}

// waitFor polls cond for at most 30 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
