package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
	"github.com/quarrydata/quarry/internal/tsresource"
)

func (e *env) buildCommand() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Freeze amplify/data/resource.ts into resource.built.graphql, so quarry serve needs no Node",
		Long: `Evaluate the TypeScript schema (--data's resource.ts, with schema.sql.ts and
whatever else it imports) once, with Node and the project's
@aws-amplify/data-schema, and write what it stands for as SDL into the same
folder: ` + tsresource.BuiltName + ` holds the data source, the authorization
modes and the transform() output, under a header naming each TypeScript file
it came from with its SHA-256.

quarry serve then reads that file and starts without Node or node_modules: run
quarry build where you develop or in CI, and ship the folder (with or without
the .ts files). When resource.ts is shipped too, serve checks the hashes and
refuses a build older than the TypeScript ("resource.ts changed since quarry
build"). quarry sandbox always evaluates resource.ts live and never writes the
built file, so what you deploy is only what you built on purpose.

A schema written as .graphql files (schema.sql.graphql and resource.graphql)
needs no build.`,
		Example: `  quarry build                     # writes amplify/data/resource.built.graphql
  quarry build --data backend/data`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.buildResource(cmd.Context(), dataDir)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "amplify/data", "folder holding resource.ts; the built file is written there")
	return cmd
}

func (e *env) buildResource(ctx context.Context, dataDir string) error {
	if !tsresource.Exists(dataDir) {
		return usageError{fmt.Errorf("%s has no %s: quarry build freezes a TypeScript schema; a schema written as .graphql files needs no build (serve reads it as it is)", dataDir, tsresource.FileName)}
	}
	if err := oneTypeScriptSchema(dataDir); err != nil {
		return err
	}
	path, s, err := tsresource.Build(ctx, projectRoot(dataDir), dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Wrote %s: %s, %s from %s.\nquarry serve reads it without Node; run quarry build again after changing the TypeScript.\n",
		path, buildCount(len(s.Models), "model"), buildCount(len(s.Queries)+len(s.Mutations), "custom operation"), filepath.Join(dataDir, tsresource.FileName))
	return nil
}

// buildCount writes n things ("1 model", "3 models").
func buildCount(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// schemaSource says where a command takes the schema of a data folder
// with a TypeScript schema from.
type schemaSource int

const (
	// fromBuildOrTypeScript reads resource.built.graphql while it matches
	// the TypeScript, else evaluates resource.ts: the same schema either
	// way, without Node when the build is current (export-schema, outputs).
	fromBuildOrTypeScript schemaSource = iota
	// fromTypeScript evaluates resource.ts and ignores any build: the
	// sandbox shows the TypeScript as it is now.
	fromTypeScript
	// fromBuild reads resource.built.graphql and refuses it when the
	// TypeScript beside it changed since (serve: production runs what was
	// built, never a silently different schema); without a build,
	// resource.ts is evaluated.
	fromBuild
)

// servedFrom is where serve (dev false) or the sandbox (dev true) reads
// the schema from.
func servedFrom(dev bool) schemaSource {
	if dev {
		return fromTypeScript
	}
	return fromBuild
}

// loadSchema reads the schema in dataDir as the tools that only look at
// it do: a current build, else resource.ts, else the .graphql files.
func loadSchema(ctx context.Context, dataDir string) (*schema.Schema, error) {
	return loadSchemaFrom(ctx, dataDir, fromBuildOrTypeScript)
}

// loadSchemaFrom reads the schema in dataDir: resource.built.graphql or
// resource.ts (never both: each holds the whole schema), else the
// .graphql files.
func loadSchemaFrom(ctx context.Context, dataDir string, from schemaSource) (*schema.Schema, error) {
	hasTS := tsresource.Exists(dataDir)
	if hasTS {
		if err := oneTypeScriptSchema(dataDir); err != nil {
			return nil, err
		}
	}
	var built *tsresource.Built
	if from != fromTypeScript || !hasTS {
		var err error
		if built, err = tsresource.ReadBuilt(dataDir); err != nil {
			return nil, err
		}
	}
	if built != nil && hasTS {
		if err := built.Check(dataDir); err != nil {
			if from == fromBuild {
				return nil, err
			}
			built = nil // evaluate the TypeScript as it is now
		}
	}
	switch {
	case built != nil:
		if !hasTS {
			if err := onlyBuiltGraphQL(dataDir); err != nil {
				return nil, err
			}
		}
		return sdl.FromFiles(built.Files)
	case hasTS:
		files, err := tsresource.Files(ctx, projectRoot(dataDir), dataDir)
		if err != nil {
			return nil, err
		}
		return sdl.FromFiles(files)
	}
	return sdl.Load(dataDir)
}

// oneTypeScriptSchema refuses a data folder holding resource.ts and
// resource.graphql: the TypeScript file holds the whole schema.
func oneTypeScriptSchema(dataDir string) error {
	if _, err := os.Stat(filepath.Join(dataDir, "resource.graphql")); err == nil {
		return fmt.Errorf("%s has both resource.ts and resource.graphql: keep one (the TypeScript file holds the whole schema, generated part included)", dataDir)
	}
	return nil
}

// onlyBuiltGraphQL refuses .graphql files beside a build whose resource.ts
// is gone: the build holds the whole schema, so they would declare it
// twice.
func onlyBuiltGraphQL(dataDir string) error {
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return fmt.Errorf("read schema directory: %w", err)
	}
	var others []string
	for _, en := range entries {
		if !en.IsDir() && strings.HasSuffix(en.Name(), ".graphql") && en.Name() != tsresource.BuiltName {
			others = append(others, en.Name())
		}
	}
	if len(others) > 0 {
		return fmt.Errorf("%s has %s (resource.ts frozen by quarry build, the whole schema) and also %s: keep one; delete %s if the schema now lives in .graphql files",
			dataDir, tsresource.BuiltName, strings.Join(others, ", "), tsresource.BuiltName)
	}
	return nil
}
