package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchDebouncesSchemaChanges(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, dir, func() { calls.Add(1) }) }()
	time.Sleep(100 * time.Millisecond)
	for i := 0; i < 5; i++ {
		if err := os.WriteFile(filepath.Join(dir, "resource.graphql"), []byte("# edit"), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * Debounce)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("rebuilds = %d, want 1 for a burst of edits", n)
	}
}
