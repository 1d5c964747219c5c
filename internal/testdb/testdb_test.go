package testdb

import (
	"context"
	"testing"
)

func TestEachGivesAFreshUsableDatabase(t *testing.T) {
	Each(t, func(t *testing.T, db *DB) {
		db.Exec(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, n VARCHAR(10))")
		db.Exec(t, "INSERT INTO t (id, n) VALUES (1, 'a')")
		var n int
		if err := db.SQL.QueryRowContext(context.Background(), "SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("count = %d, want 1", n)
		}
	})
}

func TestChinookLoads(t *testing.T) {
	Each(t, func(t *testing.T, db *DB) {
		db.LoadChinook(t, false)
		var n int
		q := "SELECT count(*) FROM track"
		if db.Engine == MySQL {
			q = "SELECT count(*) FROM Track"
		}
		if db.Engine == SQLite {
			q = "SELECT count(*) FROM Track"
		}
		if err := db.SQL.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3503 {
			t.Fatalf("tracks = %d, want 3503", n)
		}
	})
}
