package tsresource

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
)

// BuiltName is the file `quarry build` writes into the data folder:
// resource.ts frozen into SDL, which `quarry serve` reads without Node.
const BuiltName = "resource.built.graphql"

// The built file's lines that are not SDL. Each input is recorded with
// its own hash so a stale build names the file that changed.
const (
	sourcePrefix = "# source: "
	sumSep       = " sha256:"
	outputMarker = "# --- transform() output ---"
)

// Built is a read resource.built.graphql.
type Built struct {
	// Path is the file, as the data folder was named.
	Path string
	// Files are its data source and transform() output, as Evaluate gives
	// them; each keeps the file's line numbers, so problems point into it.
	Files []sdl.File
	// Sources are the TypeScript files it was built from, relative to
	// the data folder (slash-separated), with their SHA-256 in hex.
	Sources []Source
}

// Source is one input of a build.
type Source struct {
	Name, Sum string
}

// Build evaluates dataDir/resource.ts (Node and the project's
// @aws-amplify/data-schema needed) and writes dataDir/resource.built.graphql:
// the data source and the transform() output, under a header naming the
// TypeScript files it came from with their hashes. A schema the sdl
// package refuses is not written. It returns the path and the schema.
func Build(ctx context.Context, projectDir, dataDir string) (string, *schema.Schema, error) {
	ev, err := Evaluate(ctx, projectDir, dataDir)
	if err != nil {
		return "", nil, err
	}
	s, err := sdl.FromFiles(ev.Files)
	if err != nil {
		return "", nil, err
	}
	absData, err := realAbs(dataDir) // inputs have their real paths
	if err != nil {
		return "", nil, fmt.Errorf("build %s: %w", FileName, err)
	}
	var b strings.Builder
	b.WriteString("# Built by `quarry build` from " + FileName + ": do not edit. `quarry serve` reads this file\n" +
		"# instead of evaluating " + FileName + ", so it needs no Node. Run `quarry build` again after\n" +
		"# changing " + FileName + " or a file it imports (serve refuses a build older than them).\n")
	for _, in := range ev.Inputs {
		rel, err := filepath.Rel(absData, in)
		if err != nil {
			return "", nil, fmt.Errorf("build %s: %w", FileName, err)
		}
		sum, err := fileSum(in)
		if err != nil {
			return "", nil, fmt.Errorf("build %s: %w", FileName, err)
		}
		fmt.Fprintf(&b, "%s%s%s%s\n", sourcePrefix, filepath.ToSlash(rel), sumSep, sum)
	}
	b.WriteString(strings.TrimRight(ev.Files[0].Text, "\n") + "\n")
	b.WriteString(outputMarker + "\n")
	b.WriteString(strings.TrimRight(ev.Files[1].Text, "\n") + "\n")
	path := filepath.Join(dataDir, BuiltName)
	if err := writeAtomic(path, []byte(b.String())); err != nil {
		return "", nil, fmt.Errorf("build %s: write %s: %w", FileName, path, err)
	}
	return path, s, nil
}

// ReadBuilt reads dataDir/resource.built.graphql; nil, nil when there is
// none.
func ReadBuilt(dataDir string) (*Built, error) {
	path := filepath.Join(dataDir, BuiltName)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	b := &Built{Path: path}
	lines := strings.Split(string(raw), "\n")
	marker := -1
	for i, line := range lines {
		if line == outputMarker {
			marker = i
			break
		}
		if rest, ok := strings.CutPrefix(line, sourcePrefix); ok {
			name, sum, ok := cutLast(rest, sumSep)
			if !ok {
				return nil, fmt.Errorf("%s:%d: a source line without its sha256: run `quarry build` again", path, i+1)
			}
			b.Sources = append(b.Sources, Source{Name: name, Sum: sum})
		}
	}
	if marker < 0 {
		return nil, fmt.Errorf("%s was not written by `quarry build` (no %q line): run `quarry build` again", path, outputMarker)
	}
	// Blank out the other part, so each keeps the file's line numbers.
	blank := func(n int) string { return strings.Repeat("\n", n) }
	b.Files = []sdl.File{
		{Path: path, Text: strings.Join(lines[:marker], "\n")},
		{Path: path, Text: blank(marker+1) + strings.Join(lines[marker+1:], "\n")},
	}
	return b, nil
}

// Check says whether b still stands for the TypeScript in dataDir: an
// error naming the first source that changed or went missing, else nil.
func (b *Built) Check(dataDir string) error {
	for _, s := range b.Sources {
		sum, err := fileSum(filepath.Join(dataDir, filepath.FromSlash(s.Name)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("%s changed since `quarry build`: %s, which it imported, is gone: run `quarry build` again (it rewrites %s)", filepath.Join(dataDir, FileName), s.Name, b.Path)
		case err != nil:
			return fmt.Errorf("check %s: %w", b.Path, err)
		case sum != s.Sum:
			what := FileName
			if s.Name != FileName {
				what += " (" + s.Name + ", which it imports)"
			}
			return fmt.Errorf("%s changed since `quarry build`: run `quarry build` again (it rewrites %s from %s)", what, b.Path, filepath.Join(dataDir, FileName))
		}
	}
	return nil
}

// cutLast is strings.Cut at the last sep (a file name may hold it).
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := bufio.NewReader(f).WriteTo(h); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeAtomic writes through a temporary file and a rename, so a server
// starting meanwhile reads the old build or the new one, never half.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
