package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// list runs a list and returns its connection object.
func (e *Engine) list(ctx context.Context, r plan.Root, compiler sqlgen.Compiler, x *exec.Executor) (json.RawMessage, error) {
	var b bytes.Buffer
	if err := e.writeList(ctx, r, compiler, x, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeList runs a list and writes its connection object to b, around
// the rows' JSON, which is copied, never re-encoded. On error, what it
// wrote is left for the caller to cut.
func (e *Engine) writeList(ctx context.Context, r plan.Root, compiler sqlgen.Compiler, x *exec.Executor, b *bytes.Buffer) error {
	st, err := compiler.Select(r.Select)
	if err != nil {
		return err
	}
	page, err := x.List(ctx, st)
	if err != nil {
		return err
	}
	aggs, err := e.listAggregates(ctx, r, compiler, x)
	if err != nil {
		return err
	}
	n := page.Len()
	var next string
	if r.Select.Limit > 0 && n > r.Select.Limit {
		n = r.Select.Limit
		if next, err = e.Planner.Tokens.Mint(page.Key(n-1), r.Fingerprint); err != nil {
			return err
		}
	}
	// Sized once: the rows are most of it, and growing by doubling would
	// copy them again.
	size := 64 + len(next)
	for i := range n {
		size += len(page.Object(i)) + 1
	}
	b.Grow(size)
	b.WriteByte('{')
	for i, k := range r.Conn {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(b, k.Key)
		switch k.What {
		case "items":
			b.WriteByte('[')
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				b.Write(page.Object(i))
			}
			b.WriteByte(']')
		case "nextToken":
			if next == "" {
				b.WriteString("null")
			} else {
				writeString(b, next)
			}
		case "__typename":
			writeString(b, k.Typename)
		case "totalCount":
			if !page.Counted {
				return fmt.Errorf("pipeline: %s selects totalCount, and its statement counted nothing", r.Field)
			}
			b.WriteString(strconv.FormatInt(page.Total, 10))
		case "aggregate":
			b.Write(aggs[k.Key])
		}
	}
	b.WriteByte('}')
	return nil
}
