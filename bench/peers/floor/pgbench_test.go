package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pgbenchVars gives each pgbench script's variable line: the same request
// variables as the workload (ids cycle over all albums; one playlist).
func pgbenchVars() map[string]string {
	return map[string]string{
		"tracks20":            "",
		"album":               `\set id random(1, 347)` + "\n",
		"albums_tracks_genre": "",
		"playlist_tracks":     `\set id 1` + "\n",
		"items10k":            "",
	}
}

// pgbenchScript is the pgbench script of a read workload: the floor's own
// PostgreSQL statement with $1 as :id.
func pgbenchScript(name string) string {
	return "-- " + name + ": the HTTP floor's statement (bench/peers/floor/statements.go), for pgbench -M prepared.\n" +
		"-- Generated: QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts\n" +
		pgbenchVars()[name] + strings.ReplaceAll(pgRead()[name], "$1", ":id") + ";\n"
}

// TestPgbenchScripts keeps bench/peers/pgbench/<Name>.sql equal to the
// floor's statements (QUARRY_PEERS_UPDATE=1 rewrites them).
func TestPgbenchScripts(t *testing.T) {
	for name := range pgbenchVars() {
		path := filepath.Join("..", "pgbench", name+".sql")
		want := pgbenchScript(name)
		if os.Getenv("QUARRY_PEERS_UPDATE") != "" {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (QUARRY_PEERS_UPDATE=1 writes it)", err)
		}
		if string(got) != want {
			t.Errorf("%s is not the floor's statement; QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts rewrites it", path)
		}
	}
}
