package exec

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Page is what a list statement returned: its rows' objects and keys and,
// when it counted them (a third column), the total.
//
// The driver reuses its buffer, so the rows' bytes are copied, into
// chunks that never move once written, each twice the size of the one
// before: a page costs a few allocations of at most twice its size, not
// one per row, nor the copies of a buffer grown by doubling. Rows are
// found by offsets, not slices: a page of 10,000 rows then holds no
// pointer per row for the collector to trace, nor for append to copy
// under write barriers (a third of the CPU of a 10,000-row list).
type Page struct {
	chunks [][]byte
	rows   []span
	// Total is the number of rows the list's filter and rules let
	// through, set when Counted.
	Total   int64
	Counted bool
}

// span locates a row: its object is chunks[chunk][start:mid], its key
// chunks[chunk][mid:end].
type span struct{ chunk, start, mid, end int }

// Len is the number of rows.
func (p *Page) Len() int { return len(p.rows) }

// Object is row i's JSON object (nil for an unbuilt look-ahead row).
func (p *Page) Object(i int) json.RawMessage {
	r := p.rows[i]
	if r.mid == r.start {
		return nil
	}
	return p.chunks[r.chunk][r.start:r.mid:r.mid]
}

// Key is row i's key values, as JSON.
func (p *Page) Key(i int) json.RawMessage {
	r := p.rows[i]
	return p.chunks[r.chunk][r.mid:r.end:r.end]
}

// add copies a row's object and key into the page.
func (p *Page) add(obj, key []byte) {
	n := len(obj) + len(key)
	last := len(p.chunks) - 1
	if last < 0 || cap(p.chunks[last])-len(p.chunks[last]) < n {
		size := 1 << 10
		if last >= 0 {
			size = 2 * cap(p.chunks[last])
		}
		p.chunks = append(p.chunks, make([]byte, 0, max(n, size)))
		last++
	}
	c := p.chunks[last]
	start := len(c)
	c = append(append(c, obj...), key...)
	p.chunks[last] = c
	p.rows = append(p.rows, span{chunk: last, start: start, mid: start + len(obj), end: len(c)})
}

// List runs a list statement: rows of object and key, and, when the
// statement counts (a third column, sqlgen's totalCount row), one row
// whose object is NULL and whose third column is the count, wherever
// the engine returns it. A row past the page (the one that tells there is
// a next page) may have a NULL object: the compiler need not build it, and
// the caller only counts it.
func (x *Executor) List(ctx context.Context, st sqlgen.Statement) (_ Page, err error) {
	ctx, done, err := x.slot(ctx, st.SQL)
	if err != nil {
		return Page{}, err
	}
	defer func() { done(err) }()
	x.observe(st.SQL)
	out := Page{rows: make([]span, 0, 32)}
	// Over the budget, the statement is cancelled rather than read to its
	// end: the driver would otherwise fetch every remaining row.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err = connect.ReadBytes(rctx, x.db, st.SQL, st.Args, func(cols [][]byte) error {
		if len(cols) != 2 && len(cols) != 3 {
			return fmt.Errorf("exec: a list statement returned %d columns, not 2 or 3", len(cols))
		}
		if len(cols) == 3 && cols[2] != nil {
			n, err := strconv.ParseInt(string(cols[2]), 10, 64)
			if err != nil || out.Counted {
				return fmt.Errorf("exec: a list statement returned a bad count row (%q)", cols[2])
			}
			out.Total, out.Counted = n, true
			return nil
		}
		if err := charge(ctx, 1, len(cols[0])); err != nil {
			cancel()
			return err
		}
		out.add(cols[0], cols[1])
		return nil
	})
	if err != nil {
		return Page{}, x.failed(err)
	}
	x.outage.end()
	return out, nil
}
