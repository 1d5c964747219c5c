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

	"github.com/go-sql-driver/mysql"
)

func myDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one session: SET and BEGIN hold
	t.Cleanup(func() { db.Close() })
	return db
}

// myExec runs SQL as the mysql client would: literal text, no parameters.
func myExec(t testing.TB, db *sql.DB, script ...string) {
	t.Helper()
	for _, s := range script {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func mySource(t testing.TB, dsn string, tables ...Table) *MySQL {
	t.Helper()
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMySQL(MySQLOptions{Conn: c, Tables: tables, Name: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// myStream runs Stream in the background, as stream does for PostgreSQL.
func myStream(t testing.TB, m *MySQL, from LSN, accept func(batch) error) *streamer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &streamer{batches: make(chan batch, 20000), cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- m.Stream(ctx, from, func(_ context.Context, tx []Change, lsn LSN) error {
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

// waitStreaming waits until the stream has started reading: a marker
// row written then arrives. Markers written before are not seen.
func waitStreaming(t testing.TB, db *sql.DB, s *streamer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := db.Exec("INSERT INTO shop.marker VALUES ()")
		if err != nil {
			t.Fatal(err)
		}
		last, _ := res.LastInsertId()
		select {
		case b := <-s.batches:
			// Earlier markers may still come: wait for the last.
			for b.tx[0].Table == "marker" && b.tx[0].New["id"] != last {
				b = s.next(t)
			}
			if b.tx[0].Table != "marker" {
				t.Fatalf("before the marker came %+v", b.tx)
			}
			return
		case err := <-s.done:
			t.Fatalf("the stream ended: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatal("the stream did not start within 30 s")
}

func TestMySQL(t *testing.T) {
	srv := startMariaDB(t)
	admin := myDB(t, srv.dsn("root"))
	myExec(t, admin, "CREATE DATABASE shop",
		"CREATE TABLE shop.marker (id int AUTO_INCREMENT PRIMARY KEY)",
		"CREATE TABLE shop.`Order Items` (id int PRIMARY KEY, big bigint, price decimal(10,2), name varchar(100), note text, ok tinyint(1), "+
			"at datetime(6), ts timestamp(3) NULL, day date, doc json, bin blob, size enum('small','large'), tags set('a','b','c'), "+
			"flags bit(10), u int unsigned, ub bigint unsigned, f float, d double, `Qty` int)",
		"CREATE TABLE shop.other (id int PRIMARY KEY)")
	items, marker := Table{"shop", "Order Items"}, Table{"shop", "marker"}

	t.Run("values, order and whole transactions", func(t *testing.T) {
		m := mySource(t, srv.dsn("root"), items, marker)
		if rep, err := m.Check(context.Background()); err != nil || !rep.MariaDB || rep.RowMetadata != "NO_LOG" || !rep.GTID {
			t.Fatalf("Check: %+v, %v", rep, err)
		}
		s := myStream(t, m, 0, nil)
		waitStreaming(t, admin, s)
		myExec(t, admin, "INSERT INTO shop.`Order Items` VALUES (1, 9007199254740993, 12.50, 'héllo \"q\"', 'long text', 1, "+
			"'2024-02-29 13:14:15.123456', '2024-02-29 11:14:15.250', '2024-02-29', '{\"a\": [1, 2.5, \"x\"]}', X'00FF10', 'large', 'a,c', "+
			"b'1000000001', 4294967295, 18446744073709551615, 1.5, 2.25, 7)",
			"INSERT INTO shop.`Order Items` (id) VALUES (2)")
		b1, b2 := s.next(t), s.next(t)
		if len(b1.tx) != 1 || len(b2.tx) != 1 || b1.lsn >= b2.lsn {
			t.Fatalf("want two transactions of one row in LSN order, got %d at %s and %d at %s", len(b1.tx), b1.lsn, len(b2.tx), b2.lsn)
		}
		c := b1.tx[0]
		if c.Op != OpCreate || c.Schema != "shop" || c.Table != "Order Items" || c.Old != nil || c.LSN != b1.lsn || c.Commit.IsZero() || c.GTID == "" {
			t.Fatalf("insert arrived as %+v", c)
		}
		want := map[string]any{"id": int64(1), "big": int64(9007199254740993), "price": []byte("12.50"), "name": []byte(`héllo "q"`),
			"note": []byte("long text"), "ok": int64(1), "at": []byte("2024-02-29 13:14:15.123456"), "ts": []byte("2024-02-29 11:14:15.250"),
			"day": []byte("2024-02-29"), "doc": []byte(`{"a": [1, 2.5, "x"]}`), "bin": []byte{0, 0xff, 0x10}, "size": []byte("large"),
			"tags": []byte("a,c"), "flags": []byte{0x02, 0x01}, "u": int64(4294967295), "ub": []byte("18446744073709551615"),
			"f": float32(1.5), "d": float64(2.25), "Qty": int64(7)}
		sameValues(t, "want", want, c.New)
		// The same row read as Quarry reads it: a prepared statement
		// (binary protocol) through database/sql and go-sql-driver/mysql.
		sameValues(t, "database/sql", myScan(t, admin, "SELECT * FROM shop.`Order Items` WHERE id = ?", 1), c.New)
		sameValues(t, "database/sql", myScan(t, admin, "SELECT * FROM shop.`Order Items` WHERE id = ?", 2), b2.tx[0].New)

		// Several rows in one transaction arrive as one batch, in order;
		// a rolled-back transaction never; a table not served never.
		myExec(t, admin, "BEGIN", "INSERT INTO shop.`Order Items` (id) VALUES (3)", "UPDATE shop.`Order Items` SET name = 'changed' WHERE id = 1",
			"DELETE FROM shop.`Order Items` WHERE id = 2", "COMMIT",
			"BEGIN", "INSERT INTO shop.`Order Items` (id) VALUES (99)", "ROLLBACK",
			"INSERT INTO shop.other VALUES (1)",
			"INSERT INTO shop.`Order Items` (id) VALUES (4)")
		b3 := s.next(t)
		var ops []string
		for _, c := range b3.tx {
			ops = append(ops, c.Op)
			if c.LSN != b3.lsn {
				t.Errorf("a change of the transaction at %s has LSN %s", b3.lsn, c.LSN)
			}
		}
		if !slices.Equal(ops, []string{OpCreate, OpUpdate, OpDelete}) {
			t.Fatalf("the transaction arrived as %v, want create, update, delete in one batch", ops)
		}
		up, del := b3.tx[1], b3.tx[2]
		if string(up.New["name"].([]byte)) != "changed" || up.OldKeysOnly || string(up.Old["name"].([]byte)) != `héllo "q"` || !reflect.DeepEqual(up.Old["price"], []byte("12.50")) {
			t.Errorf("update: New[name]=%s Old=%v OldKeysOnly=%v", up.New["name"], up.Old, up.OldKeysOnly)
		}
		if del.New != nil || del.OldKeysOnly || del.Old["id"] != int64(2) || len(del.Old) != len(want) {
			t.Errorf("delete: New=%v Old=%v OldKeysOnly=%v", del.New, del.Old, del.OldKeysOnly)
		}
		if b4 := s.next(t); b4.tx[0].New["id"] != int64(4) || b4.tx[0].Table != "Order Items" {
			t.Fatalf("after the rolled-back transaction and the other table came %+v, want the insert of row 4", b4.tx)
		}
		// ALTER TABLE: later rows are read with the new columns.
		myExec(t, admin, "ALTER TABLE shop.`Order Items` ADD COLUMN extra varchar(10) DEFAULT 'x' AFTER id",
			"INSERT INTO shop.`Order Items` (id, extra) VALUES (5, 'new')")
		if b := s.next(t); b.tx[0].New["id"] != int64(5) || string(b.tx[0].New["extra"].([]byte)) != "new" || b.tx[0].New["Qty"] != nil {
			t.Fatalf("after ALTER TABLE: %v", b.tx[0].New)
		}
		s.quiet(t, 300*time.Millisecond)
	})

	t.Run("column names from the binary log with binlog_row_metadata=FULL", func(t *testing.T) {
		myExec(t, admin, "SET GLOBAL binlog_row_metadata = FULL", "CREATE TABLE shop.full_t (id int PRIMARY KEY, e enum('x','y'), u tinyint unsigned)")
		defer myExec(t, admin, "SET GLOBAL binlog_row_metadata = NO_LOG")
		w := myDB(t, srv.dsn("root")) // a new session takes the global setting
		m := mySource(t, srv.dsn("root"), Table{"shop", "full_t"}, marker)
		s := myStream(t, m, 0, nil)
		waitStreaming(t, w, s)
		myExec(t, w, "INSERT INTO shop.full_t VALUES (1, 'y', 255)")
		want := map[string]any{"id": int64(1), "e": []byte("y"), "u": int64(255)}
		sameValues(t, "want", want, s.next(t).tx[0].New)
	})

	t.Run("a restart resumes after the last position taken", func(t *testing.T) {
		myExec(t, admin, "CREATE TABLE shop.resume (id int PRIMARY KEY)")
		m := mySource(t, srv.dsn("root"), Table{"shop", "resume"}, marker)
		stop := errors.New("stopped before handing on")
		var taken LSN
		s := myStream(t, m, 0, func(b batch) error {
			if b.tx[0].Table == "resume" && b.tx[0].New["id"] == int64(3) {
				return stop
			}
			taken = b.lsn // what the caller stores
			return nil
		})
		waitStreaming(t, admin, s)
		for i := 1; i <= 3; i++ {
			myExec(t, admin, fmt.Sprintf("INSERT INTO shop.resume VALUES (%d)", i))
		}
		for i := 1; i <= 3; i++ {
			s.next(t)
		}
		if err := <-s.done; !errors.Is(err, stop) {
			t.Fatalf("Stream returned %v, want the handler's error", err)
		}
		s.done <- nil
		myExec(t, admin, "INSERT INTO shop.resume VALUES (4)", "INSERT INTO shop.resume VALUES (5)")
		s2 := myStream(t, mySource(t, srv.dsn("root"), Table{"shop", "resume"}), taken, nil)
		var got []any
		for i := 0; i < 3; i++ {
			got = append(got, s2.next(t).tx[0].New["id"])
		}
		if !reflect.DeepEqual(got, []any{int64(3), int64(4), int64(5)}) {
			t.Fatalf("after a restart arrived %v, want 3 (not taken), 4, 5 and not 1, 2", got)
		}
		s2.quiet(t, 300*time.Millisecond)
	})

	t.Run("Follow reconnects and resumes", func(t *testing.T) {
		myExec(t, admin, "CREATE TABLE shop.follow_t (id int PRIMARY KEY)")
		m := mySource(t, srv.dsn("root"), Table{"shop", "follow_t"})
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan int64, 100)
		done := make(chan error, 1)
		go func() {
			done <- Follow(ctx, m, 0, func(_ context.Context, tx []Change, _ LSN) error {
				got <- tx[0].New["id"].(int64)
				return nil
			}, Backoff{Min: 50 * time.Millisecond, Max: time.Second}, nil)
		}()
		waitFor(t, "the stream to start", func() bool {
			var n int
			_ = admin.QueryRow("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'").Scan(&n)
			return n > 0
		})
		myExec(t, admin, "INSERT INTO shop.follow_t VALUES (1)")
		if id := <-got; id != 1 {
			t.Fatalf("got %d", id)
		}
		// The server ends the stream's connection; writes go on meanwhile.
		var ids []int64
		rows, err := admin.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			myExec(t, admin, fmt.Sprintf("KILL %d", id))
		}
		myExec(t, admin, "INSERT INTO shop.follow_t VALUES (2)", "INSERT INTO shop.follow_t VALUES (3)")
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

	t.Run("each check says what to change", func(t *testing.T) {
		myExec(t, admin, "CREATE USER 'app'@'%'", "GRANT SELECT ON shop.* TO 'app'@'%'")
		m := mySource(t, srv.dsn("app"), items)
		_, err := m.Check(context.Background())
		want := "user 'app'@'%' may not read the binary log (it lacks REPLICATION SLAVE and BINLOG MONITOR): have an administrator run GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'app'@'%';"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Check as app: %v\nwant: %s", err, want)
		}
		myExec(t, admin, "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'app'@'%'")
		if _, err := m.Check(context.Background()); err != nil {
			t.Fatalf("Check after the grant: %v", err)
		}
		myExec(t, admin, "SET GLOBAL binlog_format = STATEMENT", "SET GLOBAL binlog_row_image = MINIMAL")
		defer myExec(t, admin, "SET GLOBAL binlog_format = ROW", "SET GLOBAL binlog_row_image = FULL")
		_, err = mySource(t, srv.dsn("root"), items, Table{"shop", "missing"}).Check(context.Background())
		t.Logf("Check says:\n%v", err)
		for _, want := range []string{
			"MariaDB's binlog_format is STATEMENT; reading changes made outside Quarry needs ROW", "run SET GLOBAL binlog_format = ROW;",
			"MariaDB's binlog_row_image is MINIMAL; reading changes made outside Quarry needs FULL", "run SET GLOBAL binlog_row_image = FULL;",
			"table `shop`.`missing` does not exist"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Check's error does not say %q", want)
			}
		}
	})

	t.Run("throughput", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short")
		}
		myExec(t, admin, "CREATE TABLE shop.tp (id int PRIMARY KEY, v varchar(10))")
		m := mySource(t, srv.dsn("root"), Table{"shop", "tp"}, marker)
		s := myStream(t, m, 0, nil)
		waitStreaming(t, admin, s)
		const n = 10000
		start := time.Now()
		wrote := make(chan time.Duration, 1)
		go func() {
			defer close(wrote)
			w, err := sql.Open("mysql", srv.dsn("root"))
			if err != nil {
				t.Error(err)
				return
			}
			defer w.Close()
			for i := 1; i <= n; i++ {
				if _, err := w.Exec("INSERT INTO shop.tp VALUES (?, 'row')", i); err != nil {
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

// TestMySQLBinlogOff reads (never changes) the shared server, which
// writes no binary log.
func TestMySQLBinlogOff(t *testing.T) {
	dsn := "root@tcp(127.0.0.1:3306)/"
	db, err := sql.Open("mysql", dsn)
	if err == nil {
		err = db.Ping()
	}
	if err != nil {
		missing(t, "the shared MariaDB server on 127.0.0.1:3306", err)
	}
	var logBin bool
	var format string
	if err := db.QueryRow("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format").Scan(&logBin, &format); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if logBin {
		t.Skip("the shared server writes a binary log")
	}
	_, err = mySource(t, dsn, Table{"none", "none"}).Check(context.Background())
	t.Logf("Check says:\n%v", err)
	want := "MariaDB does not write a binary log (log_bin is OFF), and reading changes made outside Quarry needs one: add log_bin = mariadb-bin, binlog_format = ROW and server_id = 1"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Check: %v\nwant: %s", err, want)
	}
}

func TestBinlogLSN(t *testing.T) {
	l, err := BinlogLSN("mysql-bin.000042", 1234)
	if err != nil || l != LSN(42<<32|1234) || FormatBinlogLSN("x/binlog.000001", l) != "x/binlog.000042:1234" {
		t.Fatalf("BinlogLSN = %v, %v (%s)", l, err, FormatBinlogLSN("binlog.000001", l))
	}
	for _, bad := range []string{"mysql-bin", "mysql-bin.", "mysql-bin.x"} {
		if _, err := BinlogLSN(bad, 4); err == nil {
			t.Errorf("BinlogLSN(%q) took it", bad)
		}
	}
	if got := parseLabels("enum('a','it''s','b,c')"); !slices.Equal(got, []string{"a", "it's", "b,c"}) {
		t.Errorf("parseLabels: %q", got)
	}
}

// myScan reads one row through a prepared statement, scanning each
// column into *any.
func myScan(t testing.TB, db *sql.DB, q string, args ...any) map[string]any {
	t.Helper()
	rows, err := db.Query(q, args...)
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
