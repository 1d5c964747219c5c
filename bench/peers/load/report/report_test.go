package report

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
)

// fixture is a fixed results.json: seven workloads, every contestant, two
// rounds, an exclusion, failed requests and a capped pgbench, with
// figures chosen so some targets are met and some are not.
func fixture(t *testing.T) *Results {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMarkdownGolden(t *testing.T) {
	res := fixture(t)
	var got bytes.Buffer
	if err := res.Markdown(&got); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "results.md"), got.String())
}

func TestTargets(t *testing.T) {
	res := fixture(t)
	// The fixture's Quarry is 3.4× PostGraphile 5 with a lower p99, 0.95×
	// the floor with a p99 1.15× the floor's, adds 74 µs at one
	// connection; the rule costs 7.4 %; items10k runs at 0.95× the floor.
	for i, tg := range res.Targets(res.Summarize()) {
		if tg.Met != "met" {
			t.Errorf("target %d (%s): %s: %s", i, tg.Goal, tg.Met, tg.Figure)
		}
	}

	// Quarry's items10k answers at half their size: 0.48× the floor's
	// MB/s, and nothing else changes.
	for i, r := range res.Runs {
		if r.Workload == "items10k" && r.Contestant == QuarryPG {
			res.Runs[i].Bytes /= 2
		}
	}
	tgs := res.Targets(res.Summarize())
	if got := tgs[4]; got.Met != "not met" || !strings.HasPrefix(got.Figure, "0.48×") {
		t.Errorf("halved items10k: %+v", got)
	}
	if tgs[0].Met != "met" {
		t.Errorf("halving items10k's bytes changed the throughput target: %+v", tgs[0])
	}

	// Without PostGraphile 5 the first target is not measured, not met.
	var kept []Run
	for _, r := range res.Runs {
		if r.Contestant != PostGraphile5 {
			kept = append(kept, r)
		}
	}
	res.Runs = kept
	if got := res.Targets(res.Summarize())[0]; got.Met != "not measured" {
		t.Errorf("without PostGraphile 5: %+v", got)
	}
}

func TestRatiosInTable(t *testing.T) {
	res := fixture(t)
	var md bytes.Buffer
	if err := res.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	// tracks20 at 64: Quarry 9,000 and 9,180 req/s over two rounds
	// (9,090 for the 6 s); PostGraphile 5 a 3.4th of it, the floor 1.05×,
	// pgbench 1.6×. PostGraphile 4 failed verification on the write.
	for _, want := range []string{
		"| tracks20 | 9,090 | 2,674 | 2,020 | 9,545 | 14,544 | 3.40× | 4.50× | 0.95× | 0.62× |",
		"| invoice_line_cud | 909 | 267 | excluded | 954 | — | 3.40× | — | 0.95× | — |",
		"**PostGraphile 4 excluded from invoice_line_cud**",
		"items10k, Quarry (MariaDB), 256 connections: 3 failed requests",
		"ran with 80 connections instead of 256",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("results.md lacks %q", want)
		}
	}
}

func TestChartsRender(t *testing.T) {
	res := fixture(t)
	for name, draw := range map[string]func(*bytes.Buffer) error{
		"throughput": func(b *bytes.Buffer) error { return res.ThroughputPNG(b) },
		"latency":    func(b *bytes.Buffer) error { return res.LatencyPNG(b) },
	} {
		var b bytes.Buffer
		if err := draw(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", name, err)
		}
		if img.Bounds().Dx() < 600 || img.Bounds().Dy() < 300 {
			t.Errorf("%s: %v is too small to read", name, img.Bounds())
		}
		// Something was drawn in every contestant's colour that has data.
		colours := map[[3]uint32]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 2 {
			for x := 0; x < img.Bounds().Dx(); x += 2 {
				r, g, bl, _ := img.At(x, y).RGBA()
				colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			}
		}
		for _, id := range Order() {
			c := colorOf(id)
			if !colours[[3]uint32{uint32(c.R), uint32(c.G), uint32(c.B)}] {
				t.Errorf("%s: nothing drawn in %s's colour", name, id)
			}
		}
		if testing.Verbose() {
			_ = os.WriteFile(filepath.Join(t.TempDir(), name+".png"), b.Bytes(), 0o644)
		}
	}
}

func TestEmptyResultsRender(t *testing.T) {
	res := &Results{}
	var b bytes.Buffer
	if err := res.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	if err := res.ThroughputPNG(&b); err != nil {
		t.Fatal(err)
	}
	if err := res.LatencyPNG(&b); err != nil {
		t.Fatal(err)
	}
}
