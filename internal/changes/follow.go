package changes

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Source is a change stream that can be read from a position.
type Source interface {
	// Stream delivers the transactions committed after from (and after
	// what was acknowledged before) to handle until ctx ends or the
	// stream fails. It returns ctx.Err() when ctx ended, handle's error
	// when handle failed, and otherwise an error saying why the stream
	// stopped; errors that no retry can mend are *PermanentError.
	Stream(ctx context.Context, from LSN, handle Handler) error
}

// PermanentError is a failure that reconnecting does not mend (the slot
// was dropped, a privilege was revoked): Follow returns it at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Backoff bounds the waits between reconnections: the first wait is Min,
// each next one twice the last (with ±20% jitter) up to Max. The zero
// Backoff waits 200 ms at first and at most 30 s.
type Backoff struct{ Min, Max time.Duration }

// Follow reads src until ctx ends, reconnecting with backoff whenever the
// stream stops for any reason but a *PermanentError, and resuming after
// the last transaction handle took. A failing handle is retried the same
// way: its transaction is delivered again. Follow returns nil once ctx
// has ended, the *PermanentError otherwise. log may be nil.
func Follow(ctx context.Context, src Source, from LSN, handle Handler, b Backoff, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if b.Min <= 0 {
		b.Min = 200 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	b.Max = max(b.Max, b.Min)
	last := from
	took := func(ctx context.Context, tx []Change, lsn LSN) error {
		if err := handle(ctx, tx, lsn); err != nil {
			return err
		}
		last = lsn
		return nil
	}
	wait := b.Min
	for {
		before := last
		err := src.Stream(ctx, last, took)
		if ctx.Err() != nil {
			return nil
		}
		if pe := (*PermanentError)(nil); errors.As(err, &pe) {
			return pe
		}
		if last != before {
			wait = b.Min // it made progress: the next failure is a new one
		}
		d := time.Duration(float64(wait) * (0.8 + 0.4*rand.Float64()))
		log.Warn("change stream stopped; reconnecting", "error", err, "resume_after", last.String(), "in", d.Round(time.Millisecond))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		wait = min(wait*2, b.Max)
	}
}
