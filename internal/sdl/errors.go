package sdl

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Error is one problem in a schema file.
type Error struct {
	File string // the path given in File.Path; empty when no file is known
	Line int    // 1-based; 0 when the position is unknown
	Col  int    // 1-based, in characters
	Msg  string
	Hint string // how to fix it; may be empty
}

// Error renders the problem as `file:line:col: message (hint)`, the form
// editors and terminals turn into a link.
func (e Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col))
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	return b.String()
}

// Errors is every problem found in a set of schema files, sorted by file
// and position, so that one run shows the user all there is to fix.
type Errors []Error

// Error joins the problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// collector gathers errors while a schema is read; reading goes on after
// an error so that every problem is reported at once.
type collector struct {
	errs Errors
}

// add records a problem at pos (which may be nil when the position is
// unknown, as for a schema built from a catalog).
func (c *collector) add(pos *ast.Position, hint, format string, args ...any) {
	e := Error{Msg: fmt.Sprintf(format, args...), Hint: hint}
	if pos != nil {
		e.Line, e.Col = pos.Line, pos.Column
		if pos.Src != nil {
			e.File = pos.Src.Name
		}
	}
	c.errs = append(c.errs, e)
}

// err returns the errors sorted by position with exact repeats removed
// (one mistake can be reached twice, e.g. through two rules), or nil.
func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	es := slices.Clone(c.errs)
	slices.SortStableFunc(es, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(es)
}

// loc renders a position for a hint ("first given at x.graphql:3:5").
func loc(pos *ast.Position) string {
	if pos == nil {
		return "elsewhere"
	}
	s := strconv.Itoa(pos.Line) + ":" + strconv.Itoa(pos.Column)
	if pos.Src != nil {
		s = pos.Src.Name + ":" + s
	}
	return s
}

// suggest returns a hint naming the candidate closest to name, when one
// is close enough to be a likely typo.
func suggest(name string, candidates []string) string {
	limit := max(1, len([]rune(name))/3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return "did you mean " + best + "?"
}

// distance is the Levenshtein distance between a and b, counted in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
