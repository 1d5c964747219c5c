package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProductionPrefersDirThenEnv(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "A"), []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"A": "from-env-a", "B": "from-env-b"}
	p := Production{Dir: dir, Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	if v, _ := p.Get("A"); v != "from-file" {
		t.Errorf("A = %q", v)
	}
	if v, _ := p.Get("B"); v != "from-env-b" {
		t.Errorf("B = %q", v)
	}
	_, err := p.Get("C")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), filepath.Join(dir, "C")) {
		t.Errorf("C: %v", err)
	}
	if _, err := p.Get("../etc/passwd"); err == nil {
		t.Error("a path as a secret name was accepted")
	}
}

func TestSandboxIsPerProject(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	a, _ := OpenSandbox(t.TempDir())
	b, _ := OpenSandbox(t.TempDir())
	if err := a.Set("K", "v1"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get("K"); !errors.Is(err, ErrNotFound) {
		t.Errorf("project b sees a's secret: %v", err)
	}
	if !strings.HasPrefix(a.Path(), os.Getenv("XDG_CONFIG_HOME")) {
		t.Errorf("store at %s, outside XDG_CONFIG_HOME", a.Path())
	}
}
