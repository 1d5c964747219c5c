package cli

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	code, out, errs := run(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "quarry ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
