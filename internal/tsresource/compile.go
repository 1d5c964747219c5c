package tsresource

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// backendStandIn replaces '@aws-amplify/backend', which pulls in the AWS
// CDK: `a` from the project's data-schema, a defineData that keeps what it
// was given, and secret() naming a secret of Quarry's store.
const backendStandIn = `export { a } from "@aws-amplify/data-schema";
export const defineData = (props) => ({ __quarryData: true, props });
export function secret(name) {
  return { __quarrySecret: name, name, resolve() { return { name }; }, resolvePath() { return { branchSecretPath: name, sharedSecretPath: name }; } };
}
`

// standInNamespace holds the stand-in, so no file of the project can be
// mistaken for it.
const standInNamespace = "quarry-backend"

// compile turns resource.ts and the local files it imports into one ES
// module, out, with esbuild: TypeScript syntax is read by Quarry itself,
// whatever TypeScript (if any) the project has. Packages stay imports, so
// they load from the project's node_modules, each once (two copies of
// data-schema would not recognise each other's fields); only
// '@aws-amplify/backend' is swapped for the stand-in. The inline source
// map lets Node (--enable-source-maps) report the user's .ts file and line.
// It returns the local files read, absolute, sorted: the inputs a build
// depends on.
func compile(projectDir, dataDir, out string) ([]string, error) {
	// Real paths throughout: esbuild resolves symlinks of the files it
	// reads, and source-map paths relative across a symlink would point
	// Node's stack traces at files that do not exist.
	absProject, err := realAbs(projectDir)
	if err != nil {
		return nil, fmt.Errorf("resource.ts: %w", err)
	}
	absData, err := realAbs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("resource.ts: %w", err)
	}
	outDir, err := realAbs(filepath.Dir(out))
	if err != nil {
		return nil, fmt.Errorf("resource.ts: %w", err)
	}
	out = filepath.Join(outDir, filepath.Base(out))
	standIn := api.Plugin{
		Name: "quarry-backend",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: `^@aws-amplify/backend$`}, func(api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: "backend", Namespace: standInNamespace}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: standInNamespace}, func(api.OnLoadArgs) (api.OnLoadResult, error) {
				contents := backendStandIn
				return api.OnLoadResult{Contents: &contents, Loader: api.LoaderJS, ResolveDir: absProject}, nil
			})
		},
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:   []string{filepath.Join(absData, FileName)},
		AbsWorkingDir: absProject,
		Bundle:        true,
		Packages:      api.PackagesExternal,
		Platform:      api.PlatformNode,
		Format:        api.FormatESModule,
		Target:        api.ES2022,
		Sourcemap:     api.SourceMapInline,
		Outfile:       out,
		Write:         true,
		Metafile:      true,
		LogLevel:      api.LogLevelSilent,
		Plugins:       []api.Plugin{standIn},
	})
	if len(res.Errors) > 0 {
		return nil, compileError(res.Errors[0], absProject, dataDir, absData)
	}
	var meta struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("resource.ts: read esbuild's metafile: %w", err)
	}
	var inputs []string
	for name := range meta.Inputs {
		if strings.HasPrefix(name, standInNamespace+":") {
			continue
		}
		inputs = append(inputs, absIn(absProject, name))
	}
	sort.Strings(inputs)
	return inputs, nil
}

// compileError is esbuild's first error at its place, named as the user
// names the data folder (amplify/data/resource.ts:2:47).
func compileError(m api.Message, absProject, dataDir, absData string) *Error {
	e := &Error{File: filepath.Join(dataDir, FileName), Message: m.Text}
	if loc := m.Location; loc != nil {
		if loc.Namespace == "" || loc.Namespace == "file" {
			e.File = displayPath(absIn(absProject, loc.File), dataDir, absData)
		}
		e.Line, e.Column = loc.Line, loc.Column+1
		if loc.Suggestion != "" && !strings.Contains(m.Text, strconv.Quote(loc.Suggestion)) {
			e.Message += fmt.Sprintf(" (did you mean %q?)", loc.Suggestion)
		}
	}
	return e
}

// realAbs is path made absolute, symlinks resolved.
func realAbs(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// absIn makes a path esbuild reports (relative to its working folder, or
// absolute) absolute.
func absIn(absProject, name string) string {
	name = filepath.FromSlash(name)
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(absProject, name)
}

// displayPath names an absolute path under the data folder as the user
// gave the folder; a path outside it stays absolute.
func displayPath(abs, dataDir, absData string) string {
	real, err := realAbs(absData)
	if err != nil {
		real = absData
	}
	// Files come by their real path, or as the user named them.
	for _, base := range []string{absData, real} {
		if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.Join(dataDir, rel)
		}
	}
	return abs
}
