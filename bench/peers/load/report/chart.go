package report

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The charts are drawn with the standard library's image packages and the
// X11 7x13 bitmap font, so rendering needs no font file, no cgo and no
// plotting library. The font has ASCII only: chart text says "x" and "us",
// not "×" and "µ".

const (
	panelW  = 440
	panelH  = 290
	cols    = 3
	marginL = 62 // room for the y axis labels
	marginR = 14
	marginT = 24 // the panel title
	marginB = 34 // x labels and axis title
	legendH = 48
	titleH  = 26
)

var (
	white   = color.RGBA{255, 255, 255, 255}
	black   = color.RGBA{20, 20, 20, 255}
	grey    = color.RGBA{120, 120, 120, 255}
	gridCol = color.RGBA{225, 225, 225, 255}
)

// colorOf gives every contestant one colour in every chart.
func colorOf(id string) color.RGBA {
	switch id {
	case QuarryPG:
		return color.RGBA{214, 39, 40, 255} // red
	case QuarryRule:
		return color.RGBA{255, 127, 14, 255} // orange
	case QuarryMy:
		return color.RGBA{148, 103, 189, 255} // purple
	case PostGraphile5:
		return color.RGBA{31, 119, 180, 255} // blue
	case PostGraphile4:
		return color.RGBA{23, 190, 207, 255} // cyan
	case FloorPG:
		return color.RGBA{44, 160, 44, 255} // green
	case FloorMy:
		return color.RGBA{140, 86, 75, 255} // brown
	case PGBench:
		return color.RGBA{80, 80, 80, 255} // dark grey
	}
	return color.RGBA{188, 189, 34, 255}
}

// canvas is an image with the few drawing operations the charts need.
type canvas struct{ *image.RGBA }

func newCanvas(w, h int) canvas {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	draw.Draw(c.RGBA, c.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	return c
}

func (c canvas) rect(x0, y0, x1, y1 int, col color.RGBA) {
	draw.Draw(c.RGBA, image.Rect(x0, y0, x1, y1), image.NewUniform(col), image.Point{}, draw.Src)
}

// line draws a segment w pixels thick (a square brush along Bresenham's
// line).
func (c canvas) line(x0, y0, x1, y1, w int, col color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		c.rect(x0-w/2, y0-w/2, x0-w/2+w, y0-w/2+w, col)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// text writes s with its baseline's left end at (x, y).
func (c canvas) text(x, y int, s string, col color.RGBA) {
	d := font.Drawer{Dst: c.RGBA, Src: image.NewUniform(col), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// textW is the width of s in pixels.
func textW(s string) int { return font.MeasureString(basicfont.Face7x13, s).Round() }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// legend draws one swatch and label per contestant, wrapping lines.
func (c canvas) legend(y int, ids []string) {
	x := 12
	for _, id := range ids {
		l := Label(id)
		w := 26 + textW(l) + 18
		if x+w > c.Bounds().Dx() {
			x, y = 12, y+18
		}
		c.rect(x, y-8, x+20, y-4, colorOf(id))
		c.text(x+26, y, l, black)
		x += w
	}
}

// niceStep is a round tick step giving about n ticks up to max.
func niceStep(max float64, n int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// shortNum writes a tick value compactly: 1200 → "1.2k", 35000 → "35k".
func shortNum(v float64) string {
	switch {
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 3, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'g', 3, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// chartWorkloads are the workloads with a panel: those measured at more
// than one level for the throughput chart (album_c1 is one point).
func (r *Results) chartWorkloads(s Summary, sweep bool) []WorkloadInfo {
	var out []WorkloadInfo
	for _, w := range r.Workloads {
		lv := s.Levels(w.Name)
		if len(lv) == 0 || sweep && len(lv) < 2 {
			continue
		}
		out = append(out, w)
	}
	return out
}

// grid sizes the image for n panels under a title and a legend.
func grid(n int) (w, h int) {
	rows := (n + cols - 1) / cols
	return cols * panelW, titleH + legendH + rows*panelH
}

func panelOrigin(i int) (x, y int) {
	return (i % cols) * panelW, titleH + legendH + (i/cols)*panelH
}

// allContestants lists every contestant measured, in Order.
func allContestants(s Summary, ws []WorkloadInfo) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		for _, c := range s.Contestants(w.Name) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	var ordered []string
	for _, id := range Order() {
		if seen[id] {
			ordered = append(ordered, id)
		}
	}
	for _, id := range out {
		if !contains(Order(), id) {
			ordered = append(ordered, id)
		}
	}
	return ordered
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ThroughputPNG draws requests per second against concurrency, one panel
// per workload, one line per contestant. The x axis is logarithmic
// (1, 16, 64, 256 are spaced by their log2), the y axis linear from 0.
func (r *Results) ThroughputPNG(w io.Writer) error {
	s := r.Summarize()
	ws := r.chartWorkloads(s, true)
	if len(ws) == 0 {
		ws = r.chartWorkloads(s, false)
	}
	W, H := grid(max(len(ws), 1))
	c := newCanvas(W, H)
	c.text(12, 18, "Requests per second by concurrency (higher is better)  -  "+shortMachine(r.Machine), black)
	c.legend(titleH+18, allContestants(s, ws))
	for i, wl := range ws {
		x0, y0 := panelOrigin(i)
		c.throughputPanel(s, wl, x0, y0)
	}
	if err := png.Encode(w, c.RGBA); err != nil {
		return fmt.Errorf("encoding throughput chart: %w", err)
	}
	return nil
}

func (c canvas) throughputPanel(s Summary, wl WorkloadInfo, x0, y0 int) {
	levels := s.Levels(wl.Name)
	px0, py0 := x0+marginL, y0+marginT
	px1, py1 := x0+panelW-marginR, y0+panelH-marginB
	c.text(x0+marginL, y0+16, clip(wl.Name+": "+asciiOnly(wl.Title), panelW-marginL-marginR), black)

	top := 0.0
	for _, ct := range s.Contestants(wl.Name) {
		for _, l := range levels {
			if st, ok := s.get(wl.Name, ct, l); ok {
				top = math.Max(top, st.ReqPerSec)
			}
		}
	}
	step := niceStep(top*1.05, 5)
	top = math.Ceil(top*1.05/step) * step
	if top == 0 {
		top = 1
	}
	yOf := func(v float64) int { return py1 - int(v/top*float64(py1-py0)) }
	for v := 0.0; v <= top+step/2; v += step {
		y := yOf(v)
		c.rect(px0, y, px1, y+1, gridCol)
		lab := shortNum(v)
		c.text(px0-6-textW(lab), y+4, lab, grey)
	}

	lo, hi := math.Log2(float64(levels[0])), math.Log2(float64(levels[len(levels)-1]))
	xOf := func(l int) int {
		if hi == lo {
			return (px0 + px1) / 2
		}
		return px0 + 10 + int((math.Log2(float64(l))-lo)/(hi-lo)*float64(px1-px0-20))
	}
	for _, l := range levels {
		x := xOf(l)
		c.rect(x, py0, x+1, py1, gridCol)
		lab := strconv.Itoa(l)
		c.text(x-textW(lab)/2, py1+14, lab, grey)
	}
	c.rect(px0, py0, px0+1, py1+1, black)
	c.rect(px0, py1, px1, py1+1, black)
	axis := "connections"
	c.text((px0+px1-textW(axis))/2, py1+28, axis, grey)

	for _, ct := range s.Contestants(wl.Name) {
		col := colorOf(ct)
		px, py := -1, -1
		for _, l := range levels {
			st, ok := s.get(wl.Name, ct, l)
			if !ok {
				px = -1
				continue
			}
			x, y := xOf(l), yOf(st.ReqPerSec)
			if px >= 0 {
				c.line(px, py, x, y, 2, col)
			}
			c.rect(x-3, y-3, x+4, y+4, col)
			px, py = x, y
		}
	}
}

// LatencyPNG draws p50 and p99 per contestant at the headline
// concurrency, one panel per workload: a bar up to p50, a thinner bar on
// to p99, on a logarithmic axis (latencies span 0.1 ms to 100s of ms).
func (r *Results) LatencyPNG(w io.Writer) error {
	s := r.Summarize()
	ws := r.chartWorkloads(s, false)
	W, H := grid(max(len(ws), 1))
	c := newCanvas(W, H)
	c.text(12, 18, "Latency p50 (wide bar) and p99 (thin bar), ms, log scale (lower is better)  -  "+shortMachine(r.Machine), black)
	c.legend(titleH+18, allContestants(s, ws))
	for i, wl := range ws {
		x0, y0 := panelOrigin(i)
		c.latencyPanel(s, wl, x0, y0)
	}
	if err := png.Encode(w, c.RGBA); err != nil {
		return fmt.Errorf("encoding latency chart: %w", err)
	}
	return nil
}

func (c canvas) latencyPanel(s Summary, wl WorkloadInfo, x0, y0 int) {
	lvl, _ := s.headline(wl.Name)
	px0, py0 := x0+marginL, y0+marginT
	px1, py1 := x0+panelW-marginR, y0+panelH-marginB
	c.text(x0+marginL, y0+16, fmt.Sprintf("%s, %d connection(s)", wl.Name, lvl), black)

	var cts []string
	var stats []Stat
	lowMs, highMs := math.Inf(1), 0.0
	for _, ct := range s.Contestants(wl.Name) {
		st, ok := s.get(wl.Name, ct, lvl)
		if !ok {
			continue
		}
		cts = append(cts, ct)
		stats = append(stats, st)
		lowMs = math.Min(lowMs, float64(st.P50)/1e6)
		highMs = math.Max(highMs, float64(st.P99)/1e6)
	}
	if len(cts) == 0 {
		return
	}
	// Decades from below the lowest p50 to above the highest p99.
	dLo := math.Floor(math.Log10(math.Max(lowMs, 1e-3)))
	dHi := math.Ceil(math.Log10(math.Max(highMs, 1e-3)))
	if dHi <= dLo {
		dHi = dLo + 1
	}
	yOf := func(ms float64) int {
		v := (math.Log10(math.Max(ms, 1e-3)) - dLo) / (dHi - dLo)
		return py1 - int(v*float64(py1-py0))
	}
	for d := dLo; d <= dHi; d++ {
		y := yOf(math.Pow(10, d))
		c.rect(px0, y, px1, y+1, gridCol)
		lab := strconv.FormatFloat(math.Pow(10, d), 'g', -1, 64)
		c.text(px0-6-textW(lab), y+4, lab, grey)
	}
	c.rect(px0, py0, px0+1, py1+1, black)
	c.rect(px0, py1, px1, py1+1, black)

	c.text(x0+6, py1+14, "p50", grey)
	c.text(x0+6, py1+28, "p99", grey)
	slot := (px1 - px0 - 10) / len(cts)
	for i, st := range stats {
		col := colorOf(cts[i])
		x := px0 + 10 + i*slot
		bw := min(slot*2/3, 48)
		c.rect(x, yOf(float64(st.P50)/1e6), x+bw, py1, col)
		mid := x + bw/2
		c.rect(mid-2, yOf(float64(st.P99)/1e6), mid+2, yOf(float64(st.P50)/1e6), col)
		c.rect(mid-8, yOf(float64(st.P99)/1e6), mid+8, yOf(float64(st.P99)/1e6)+2, col)
		lab := fmtMillis(st.P50)
		c.text(x, py1+14, lab, grey)
		lab = fmtMillis(st.P99)
		c.text(x, py1+28, lab, grey)
	}
}

// clip cuts s to fit w pixels.
func clip(s string, w int) string {
	for len(s) > 0 && textW(s) > w {
		s = s[:len(s)-1]
	}
	return s
}

// shortMachine is the machine line cut to fit the chart's title.
func shortMachine(m string) string {
	m = asciiOnly(m)
	if len(m) > 90 {
		return m[:90] + "..."
	}
	return m
}

// asciiOnly replaces what the bitmap font cannot draw.
func asciiOnly(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '×':
			out = append(out, 'x')
		case r == 'µ':
			out = append(out, 'u')
		case r < 0x20 || r > 0x7e:
			out = append(out, '?')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}
