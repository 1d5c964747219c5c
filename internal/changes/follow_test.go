package changes

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fakeSource hands out scripted results, recording each from it was given.
type fakeSource struct {
	mu    sync.Mutex
	froms []LSN
	steps []func(ctx context.Context, h Handler) error
}

func (f *fakeSource) Stream(ctx context.Context, from LSN, h Handler) error {
	f.mu.Lock()
	f.froms = append(f.froms, from)
	n := len(f.froms)
	f.mu.Unlock()
	if n > len(f.steps) {
		<-ctx.Done()
		return ctx.Err()
	}
	return f.steps[n-1](ctx, h)
}

func (f *fakeSource) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.froms)
}

func TestFollow(t *testing.T) {
	lost := errors.New("connection lost")
	deliver := func(lsn LSN) func(context.Context, Handler) error {
		return func(ctx context.Context, h Handler) error {
			if err := h(ctx, []Change{{Op: OpCreate}}, lsn); err != nil {
				return err
			}
			return lost
		}
	}
	gone := &PermanentError{Err: errors.New("replication slot does not exist")}
	for _, tc := range []struct {
		name      string
		steps     []func(context.Context, Handler) error
		fail      LSN // the handler fails this LSN once
		wantFroms []LSN
		wantErr   error
	}{
		{name: "resumes after what was taken", steps: []func(context.Context, Handler) error{deliver(10), deliver(20)},
			wantFroms: []LSN{5, 10, 20}},
		{name: "a failed handler gets the transaction again", steps: []func(context.Context, Handler) error{deliver(10), deliver(20), deliver(20)},
			fail: 20, wantFroms: []LSN{5, 10, 10, 20}},
		{name: "a permanent error ends it", steps: []func(context.Context, Handler) error{deliver(10),
			func(context.Context, Handler) error { return gone }}, wantFroms: []LSN{5, 10}, wantErr: gone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeSource{steps: tc.steps}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			failed := false
			done := make(chan error, 1)
			go func() {
				done <- Follow(ctx, src, 5, func(_ context.Context, _ []Change, lsn LSN) error {
					if lsn == tc.fail && !failed {
						failed = true
						return errors.New("broker away")
					}
					return nil
				}, Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond}, nil)
			}()
			if tc.wantErr == nil {
				waitFor(t, "every step", func() bool {
					select {
					case err := <-done:
						t.Fatalf("Follow returned %v", err)
					default:
					}
					return src.calls() > len(tc.steps)
				})
				cancel()
			}
			if err := <-done; !errors.Is(err, tc.wantErr) {
				t.Fatalf("Follow returned %v, want %v", err, tc.wantErr)
			}
			if len(src.froms) != len(tc.wantFroms) {
				t.Fatalf("Stream was called from %v, want %v", src.froms, tc.wantFroms)
			}
			for i := range tc.wantFroms {
				if src.froms[i] != tc.wantFroms[i] {
					t.Fatalf("Stream was called from %v, want %v", src.froms, tc.wantFroms)
				}
			}
		})
	}
}
