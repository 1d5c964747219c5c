package tsresource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
)

func TestBuildFreezesTheSchema(t *testing.T) {
	dir, dataDir := project(t, walkthrough)
	path, _, err := Build(context.Background(), dir, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dataDir, BuiltName) {
		t.Errorf("wrote %s", path)
	}
	raw, err := os.ReadFile(path)
	must(t, err)
	for _, want := range []string{"# Built by `quarry build` from resource.ts", "# source: resource.ts sha256:", "# source: schema.sql.ts sha256:", "extend schema @database("} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("%s lacks %q:\n%s", BuiltName, want, raw)
		}
	}
	b, err := ReadBuilt(dataDir)
	if err != nil || b == nil {
		t.Fatalf("ReadBuilt: %v %v", b, err)
	}
	if err := b.Check(dataDir); err != nil {
		t.Errorf("fresh build reported stale: %v", err)
	}
	frozen, err := sdl.FromFiles(b.Files)
	if err != nil {
		t.Fatal(err)
	}
	liveFiles, err := Files(context.Background(), dir, dataDir)
	must(t, err)
	live, err := sdl.FromFiles(liveFiles)
	must(t, err)
	if got, want := summary(frozen), summary(live); got != want {
		t.Errorf("built schema\n  %s\nwant the live one\n  %s", got, want)
	}
}

// summary is what a user of the API would notice of a schema.
func summary(s *schema.Schema) string {
	var parts []string
	for _, m := range s.Models {
		var rels []string
		for _, r := range m.Relationships {
			rels = append(rels, r.Name+"->"+r.Target)
		}
		parts = append(parts, fmt.Sprintf("%s(table %s, %d fields, %d rules, rels %v)", m.Name, m.Table.Name, len(m.Fields), len(m.Auth), rels))
	}
	slices.Sort(parts)
	return fmt.Sprintf("db %+v; modes %+v; %d queries; %s", s.Database, *s.Modes, len(s.Queries), strings.Join(parts, "; "))
}

func TestBuiltStaleness(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dataDir string)
		want   string // "" means the build still stands
	}{
		{"unchanged", func(*testing.T, string) {}, ""},
		{"an unrelated .ts file added", func(t *testing.T, d string) {
			must(t, os.WriteFile(filepath.Join(d, "notes.ts"), []byte("export const n = 1;\n"), 0o644))
		}, ""},
		{"resource.ts edited", func(t *testing.T, d string) {
			must(t, os.WriteFile(filepath.Join(d, "resource.ts"), []byte(walkthrough+"// edited\n"), 0o644))
		}, "resource.ts changed since `quarry build`: run `quarry build` again"},
		{"schema.sql.ts regenerated", func(t *testing.T, d string) {
			must(t, os.WriteFile(filepath.Join(d, "schema.sql.ts"), []byte(schemaSQL+"\n"), 0o644))
		}, "resource.ts (schema.sql.ts, which it imports) changed since `quarry build`: run `quarry build` again"},
		{"schema.sql.ts removed", func(t *testing.T, d string) {
			must(t, os.Remove(filepath.Join(d, "schema.sql.ts")))
		}, "schema.sql.ts, which it imported, is gone: run `quarry build` again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, dataDir := project(t, walkthrough)
			if _, _, err := Build(context.Background(), dir, dataDir); err != nil {
				t.Fatal(err)
			}
			tt.change(t, dataDir)
			b, err := ReadBuilt(dataDir)
			must(t, err)
			err = b.Check(dataDir)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("reported stale: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// A problem in the built file points at its line in that file.
func TestBuiltKeepsLineNumbers(t *testing.T) {
	dir, dataDir := project(t, walkthrough)
	path, _, err := Build(context.Background(), dir, dataDir)
	must(t, err)
	raw, err := os.ReadFile(path)
	must(t, err)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	lines = append(lines, "type Broken @model(timestamps: null) { id: Int! @primaryKey @nosuch }")
	must(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	b, err := ReadBuilt(dataDir)
	must(t, err)
	_, err = sdl.FromFiles(b.Files)
	want := fmt.Sprintf("%s:%d:", path, len(lines))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want an error at %s", err, want)
	}
}

func TestReadBuiltAbsentOrForeign(t *testing.T) {
	dir := t.TempDir()
	if b, err := ReadBuilt(dir); b != nil || err != nil {
		t.Errorf("no file: got %v, %v", b, err)
	}
	must(t, os.WriteFile(filepath.Join(dir, BuiltName), []byte("type X @model { id: ID! }\n"), 0o644))
	if _, err := ReadBuilt(dir); err == nil || !strings.Contains(err.Error(), "was not written by `quarry build`") {
		t.Errorf("hand-written file: got %v", err)
	}
}
