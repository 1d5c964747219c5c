package sdl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// File is the text of one schema file.
type File struct {
	// Path names the file in errors; @sql(reference:) paths are relative
	// to its directory.
	Path string
	Text string
}

// Source is a parsed schema file.
type Source struct {
	File
	Doc *ast.SchemaDocument
}

// Document is a set of parsed schema files, sorted into the generated
// schema and the user's customisations.
type Document struct {
	// Generated is the file that declares `extend schema @database(...)`
	// (schema.sql.graphql); nil when no file does, as for a schema that is
	// only transform() output.
	Generated *Source
	// Custom holds every other file, in the order given.
	Custom []*Source
	// ReadFile reads the SQL files that @sql(reference:) names, given
	// their path joined to the declaring file's directory; nil means
	// os.ReadFile. Tests and other front ends can serve them from memory.
	ReadFile func(name string) ([]byte, error)
}

// Load reads every *.graphql file in dir (amplify/data/): the generated
// schema.sql.graphql and the user's customisation files, and returns the
// merged IR. An invalid schema gives Errors listing every problem.
func Load(dir string) (*schema.Schema, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read schema directory: %w", err)
	}
	var files []File
	for _, e := range entries { // ReadDir sorts by name, so the order is stable
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".graphql") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read schema file: %w", err)
		}
		files = append(files, File{Path: path, Text: string(text)})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .graphql files in %s: generate one with `quarry generate schema-from-database --out %s`",
			dir, filepath.Join(dir, "schema.sql.graphql"))
	}
	return FromFiles(files)
}

// FromFiles is Load for files read elsewhere (the TypeScript front end's
// output, say).
func FromFiles(files []File) (*schema.Schema, error) {
	doc, err := Parse(files)
	if err != nil {
		return nil, err
	}
	base, err := doc.Base()
	if err != nil {
		return nil, err
	}
	return Merge(base, doc)
}

// Parse parses files with gqlparser and finds the generated one. Syntax
// errors of every file are reported together (gqlparser stops at the
// first error in a file).
func Parse(files []File) (*Document, error) {
	var c collector
	doc := &Document{}
	var generatedAt *ast.Position
	for _, f := range files {
		sd, err := parser.ParseSchema(&ast.Source{Name: f.Path, Input: f.Text})
		if err != nil {
			syntaxError(&c, f.Path, err)
			continue
		}
		src := &Source{File: f, Doc: sd}
		d := databaseDirective(sd)
		if d == nil {
			doc.Custom = append(doc.Custom, src)
			continue
		}
		if doc.Generated != nil {
			c.add(d.Position, "the first is "+loc(generatedAt)+"; keep one generated schema per directory",
				"a second file declares @database")
			continue
		}
		doc.Generated, generatedAt = src, d.Position
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return doc, nil
}

// syntaxError keeps gqlparser's position of a syntax error.
func syntaxError(c *collector, path string, err error) {
	var ge *gqlerror.Error
	if !errors.As(err, &ge) {
		c.errs = append(c.errs, Error{File: path, Msg: err.Error()})
		return
	}
	e := Error{File: path, Msg: ge.Message}
	if len(ge.Locations) > 0 {
		e.Line, e.Col = ge.Locations[0].Line, ge.Locations[0].Column
	}
	c.errs = append(c.errs, e)
}

func databaseDirective(sd *ast.SchemaDocument) *ast.Directive {
	for _, ext := range sd.SchemaExtension {
		if d := ext.Directives.ForName(dirDatabase); d != nil {
			return d
		}
	}
	return nil
}

// Base returns the IR that the generated file describes, before any
// customisation: the data source, models, keys, inferred relationships and
// enums. Without a generated file it is an empty schema.
func (d *Document) Base() (*schema.Schema, error) {
	s := &schema.Schema{}
	if d.Generated == nil {
		return s, nil
	}
	m := newMerger(s, d)
	m.generated(d.Generated)
	m.check()
	if err := m.c.err(); err != nil {
		return nil, err
	}
	return s, nil
}
