// Package sandbox holds what only `quarry sandbox` does: it watches the
// schema folder and tells the caller when to rebuild. The caller builds the
// new API fully and swaps it in; on error the old one keeps serving.
package sandbox

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce is how long the folder must be quiet before a rebuild: editors
// write a file in several steps.
const Debounce = 200 * time.Millisecond

// Watch calls changed after files in dir (and its sql/ subfolder, where
// @sql(reference:) files usually live) stop changing, until ctx ends.
// Only .graphql, .sql and .ts files count.
func Watch(ctx context.Context, dir string, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	defer w.Close()
	for _, d := range []string{dir, filepath.Join(dir, "sql")} {
		if err := w.Add(d); err != nil && d == dir {
			return fmt.Errorf("watch %s: %w", dir, err)
		}
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			name := strings.ToLower(ev.Name)
			if !strings.HasSuffix(name, ".graphql") && !strings.HasSuffix(name, ".sql") && !strings.HasSuffix(name, ".ts") {
				continue
			}
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(Debounce, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		case <-fire:
			changed()
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return fmt.Errorf("watch %s: %w", dir, err)
		}
	}
}
