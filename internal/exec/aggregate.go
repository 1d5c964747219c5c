package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Aggregated is what an aggregate statement returned: its object and,
// when it grouped, how many groups it read (Grouped).
type Aggregated struct {
	Object  json.RawMessage
	Groups  int64
	Grouped bool
}

// Aggregate runs an aggregate statement: one row of the object and the
// number of groups read, or NULL when it formed none (sqlgen.Aggregate).
func (x *Executor) Aggregate(ctx context.Context, st sqlgen.Statement) (_ Aggregated, err error) {
	ctx, done, err := x.slot(ctx, st.SQL)
	if err != nil {
		return Aggregated{}, err
	}
	defer func() { done(err) }()
	x.observe(st.SQL)
	var out Aggregated
	err = connect.ReadBytes(ctx, x.db, st.SQL, st.Args, func(cols [][]byte) error {
		if len(cols) != 2 {
			return fmt.Errorf("exec: an aggregate statement returned %d columns, not 2", len(cols))
		}
		if out.Object != nil {
			return fmt.Errorf("exec: an aggregate statement returned more than one row")
		}
		if err := charge(ctx, 1, len(cols[0])); err != nil {
			return err
		}
		out.Object = bytes.Clone(cols[0])
		if cols[1] != nil {
			n, err := strconv.ParseInt(string(cols[1]), 10, 64)
			if err != nil {
				return fmt.Errorf("exec: an aggregate statement returned a bad group count (%q): %w", cols[1], err)
			}
			out.Groups, out.Grouped = n, true
		}
		return nil
	})
	if err != nil {
		return Aggregated{}, x.failed(err)
	}
	x.outage.end()
	if out.Object == nil {
		return Aggregated{}, fmt.Errorf("exec: an aggregate statement returned no row")
	}
	return out, nil
}
