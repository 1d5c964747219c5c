// Package golden compares test output with files under testdata/, and
// rewrites them when tests run with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files with the output the code produces now")

// Assert compares got with the file at path (relative to the test's
// package directory), or rewrites the file under -update.
func Assert(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s: %v (run the test with -update to create it)", path, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (run with -update to accept the new output):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first lines where want and got part ways.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			var b strings.Builder
			for j := max(0, i-2); j < min(i+4, max(len(w), len(g))); j++ {
				if j < len(w) {
					b.WriteString("  want: " + w[j] + "\n")
				}
				if j < len(g) {
					b.WriteString("  got:  " + g[j] + "\n")
				}
			}
			return "first difference at line " + strconv.Itoa(i+1) + ":\n" + b.String()
		}
	}
	return ""
}
