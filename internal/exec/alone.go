package exec

import (
	"context"
	"encoding/json"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// cancelGrace is how long, past its deadline, a statement run alone waits
// for the server to answer the request to cancel it before its connection
// is closed and its outcome becomes unknown.
const cancelGrace = time.Second

// mutateAlone runs a mutation of one statement that returns the row
// without BEGIN and COMMIT: the server runs a single statement atomically
// in a transaction of its own, and the two round trips (and their CPU on
// both sides) were most of a small mutation's cost. What a transaction
// gave the caller stays: a statement that failed changed nothing, no row
// means nothing matched the key, condition and rules, and one whose
// answer was lost is ambiguous, as a COMMIT whose answer was lost is.
func (x *Executor) mutateAlone(ctx context.Context, step sqlgen.Step) (json.RawMessage, error) {
	x.observe(step.SQL)
	obj, maybeRan, err := connect.Autocommit(ctx, x.db, step.SQL, step.Args, cancelGrace)
	if err != nil {
		if !maybeRan {
			return nil, x.failed(err)
		}
		if connect.Down(err) {
			x.outage.begin(err)
		}
		return nil, qerr.Wrap(qerr.Ambiguous, qerr.AmbiguousMessage, err)
	}
	x.outage.end()
	return obj, nil
}
