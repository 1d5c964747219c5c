package exec

import (
	"context"
	"fmt"

	"github.com/quarrydata/quarry/internal/qerr"
)

// Budget bounds what one request reads from the database, all its root
// fields together, so that a few kilobytes of GraphQL cannot ask for
// gigabytes. It is checked as rows arrive: the statement stops being read
// at the row that goes over. Rows are the rows of root lists (nested
// lists travel inside them and count in bytes).
type Budget struct {
	MaxRows, MaxBytes int
	rows, bytes       int
}

type budgetKey struct{}

// WithBudget returns ctx carrying b; the executor charges every row read
// under ctx to it. A request is served on one goroutine, so b needs no
// lock.
func WithBudget(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// Rows is how many rows the request has read so far.
func (b *Budget) Rows() int { return b.rows }

// Spent reports, once the budget is used up, the error every later
// statement of the request would end with, so that they are not run.
func (b *Budget) Spent() error { return b.check() }

// charge counts rows and bytes against the request's budget, if any.
func charge(ctx context.Context, rows, bytes int) error {
	b, _ := ctx.Value(budgetKey{}).(*Budget)
	if b == nil {
		return nil
	}
	b.rows += rows
	b.bytes += bytes
	return b.check()
}

func (b *Budget) check() error {
	if b.MaxRows > 0 && b.rows > b.MaxRows {
		return qerr.New(qerr.TooLarge, fmt.Sprintf("the response is over %d rows (limit --max-response-rows); ask for fewer rows, or page with limit and nextToken", b.MaxRows))
	}
	if b.MaxBytes > 0 && b.bytes > b.MaxBytes {
		return qerr.New(qerr.TooLarge, fmt.Sprintf("the response is over %d bytes (limit --max-response-bytes); ask for fewer rows or fields, or page with limit and nextToken", b.MaxBytes))
	}
	return nil
}
