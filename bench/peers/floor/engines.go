package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/quarrydata/quarry/bench/peers/workload"
)

// pgBackend runs the statements over a pgxpool, in pgx's default mode
// (statements prepared once per connection and cached).
type pgBackend struct {
	pool  *pgxpool.Pool
	reads map[string]string
	cud   [3]string
}

func openPostgres(ctx context.Context, dsn string, size int) (*pgBackend, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres dsn: %w", err)
	}
	cfg.MaxConns = int32(size)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres pool: %w", err)
	}
	ping, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(ping); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", cfg.ConnConfig.Host, err)
	}
	return &pgBackend{pool: pool, reads: pgRead(), cud: pgWrite()}, nil
}

func (b *pgBackend) has(name string) bool { _, ok := b.reads[name]; return ok }

func (b *pgBackend) close() { b.pool.Close() }

func (b *pgBackend) read(ctx context.Context, name string, id int64) ([]byte, error) {
	var args []any
	switch name {
	case "album", "album_c1", "playlist_tracks":
		args = []any{id}
	case "playlist_owner":
		args = []any{id, workload.Owner}
	}
	var out []byte
	if err := b.pool.QueryRow(ctx, b.reads[name], args...).Scan(&out); err != nil {
		return nil, err
	}
	return out, nil
}

func (b *pgBackend) write(ctx context.Context, id int64) ([]byte, error) {
	var parts [3][]byte
	for i, s := range b.cud {
		err := b.pool.QueryRow(ctx, s, id).Scan(&parts[i])
		if errors.Is(err, pgx.ErrNoRows) {
			parts[i] = []byte("null")
		} else if err != nil {
			return nil, err
		}
	}
	return cudObject(parts), nil
}

// myBackend runs the statements over database/sql and go-sql-driver/mysql
// with the driver's defaults (statements with arguments are prepared on
// the server), as Quarry's own MySQL pool does.
type myBackend struct {
	db    *sql.DB
	reads map[string]string
	cud   [4]string
}

func openMySQL(ctx context.Context, dsn string, size int) (*myBackend, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql dsn: %w", err)
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	// JSON_ARRAYAGG is cut (with a warning only) at group_concat_max_len,
	// 1 MB by default: items10k's array is close to that.
	if _, ok := cfg.Params["group_concat_max_len"]; !ok {
		cfg.Params["group_concat_max_len"] = "1073741824"
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql dsn: %w", err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(size)
	db.SetMaxIdleConns(size)
	ping, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(ping); err != nil {
		db.Close()
		return nil, fmt.Errorf("mysql %s: %w", cfg.Addr, err)
	}
	ins, upd, sel, del := myWrite()
	return &myBackend{db: db, reads: myRead(), cud: [4]string{ins, upd, sel, del}}, nil
}

func (b *myBackend) has(name string) bool { _, ok := b.reads[name]; return ok }

func (b *myBackend) close() { _ = b.db.Close() }

func (b *myBackend) read(ctx context.Context, name string, id int64) ([]byte, error) {
	var args []any
	switch name {
	case "album", "album_c1":
		args = []any{id}
	case "playlist_tracks":
		args = []any{id, id}
	case "playlist_owner":
		args = []any{id, id, workload.Owner}
	}
	var out []byte
	if err := b.db.QueryRowContext(ctx, b.reads[name], args...).Scan(&out); err != nil {
		return nil, err
	}
	return out, nil
}

func (b *myBackend) write(ctx context.Context, id int64) ([]byte, error) {
	var parts [3][]byte
	one := func(i int, query string) error {
		err := b.db.QueryRowContext(ctx, query, id).Scan(&parts[i])
		if errors.Is(err, sql.ErrNoRows) {
			parts[i] = []byte("null")
			return nil
		}
		return err
	}
	if err := one(0, b.cud[0]); err != nil {
		return nil, err
	}
	if _, err := b.db.ExecContext(ctx, b.cud[1], id); err != nil {
		return nil, err
	}
	if err := one(1, b.cud[2]); err != nil {
		return nil, err
	}
	if err := one(2, b.cud[3]); err != nil {
		return nil, err
	}
	return cudObject(parts), nil
}

// cudObject is invoice_line_cud's `data`, under the aliases of Quarry's
// document.
func cudObject(p [3][]byte) []byte {
	out := make([]byte, 0, 128)
	out = append(out, `{"c":`...)
	out = append(out, p[0]...)
	out = append(out, `,"u":`...)
	out = append(out, p[1]...)
	out = append(out, `,"d":`...)
	out = append(out, p[2]...)
	return append(out, '}')
}
