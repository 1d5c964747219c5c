package cli

import (
	"bytes"
	"encoding/json"
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

// TestLogFormatAndLevel: --log-format json writes one JSON object a line,
// secrets masked by key; --log-level filters; bad values are usage errors.
func TestLogFormatAndLevel(t *testing.T) {
	var out bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, &out)
	if err := e.setLogger("json", "warn"); err != nil {
		t.Fatal(err)
	}
	e.log.Info("hidden")
	e.log.Warn("shown", "password", "hunter2", "table", "album")
	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %q", out.String())
	}
	if line["msg"] != "shown" || line["password"] != "[REDACTED]" || line["table"] != "album" {
		t.Errorf("line = %v", line)
	}
	for _, args := range [][]string{{"version", "--log-level", "loud"}, {"version", "--log-format", "xml"}} {
		if code, _, errs := run(t, "", args...); code != 2 || !strings.Contains(errs, args[1]) {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
}
