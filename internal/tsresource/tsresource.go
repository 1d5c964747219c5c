// Package tsresource is the TypeScript front end: it evaluates
// amplify/data/resource.ts (and the schema.sql.ts it imports) with Node
// and the project's own @aws-amplify/data-schema package, whose
// transform() writes the SDL the sdl package reads. Quarry compiles the
// TypeScript itself (esbuild), so the project needs only Node and
// @aws-amplify/data-schema, whatever TypeScript it has or lacks:
// '@aws-amplify/backend', which pulls in the AWS CDK, is replaced by a
// light stand-in (defineData keeps its argument, secret('NAME') names a
// secret of Quarry's store).
//
// Build freezes the result into resource.built.graphql, which
// LoadBuilt reads without Node, so production needs none.
package tsresource

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/sdl"
)

//go:embed loader.mjs
var loader []byte

// FileName is the file that selects this front end.
const FileName = "resource.ts"

// Exists reports whether dataDir holds a resource.ts.
func Exists(dataDir string) bool {
	_, err := os.Stat(filepath.Join(dataDir, FileName))
	return err == nil
}

// Error is a problem in the TypeScript, at its place.
type Error struct {
	File         string
	Line, Column int
	Message      string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	case e.File != "":
		return e.File + ": " + e.Message
	}
	return e.Message
}

// dbPart is the database of one SQL schema, as the loader reports it.
type dbPart struct {
	Engine              string `json:"engine"`
	Identifier          string `json:"identifier"`
	ConnectionURISecret string `json:"connectionUriSecret"`
	SSLCertSecret       string `json:"sslCertSecret"`
}

type result struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	// Model is the model a transform() error is about, when known.
	Model string `json:"model"`
	Parts []struct {
		SDL      string  `json:"sdl"`
		Database *dbPart `json:"database"`
	} `json:"parts"`
	AuthorizationModes map[string]any `json:"authorizationModes"`
}

// Evaluation is what resource.ts stands for.
type Evaluation struct {
	// Files are the schema files: a data-source file
	// (`extend schema @database(...)`) and the transform() SDL with the
	// authorization modes, named after resource.ts so problems point there.
	Files []sdl.File
	// Inputs are the local files resource.ts was built from (itself and
	// what it imports, packages aside), absolute and sorted.
	Inputs []string
}

// Files evaluates dataDir/resource.ts of the project at projectDir and
// returns the schema files it stands for (Evaluation.Files).
func Files(ctx context.Context, projectDir, dataDir string) ([]sdl.File, error) {
	ev, err := Evaluate(ctx, projectDir, dataDir)
	if err != nil {
		return nil, err
	}
	return ev.Files, nil
}

// Evaluate compiles dataDir/resource.ts with esbuild, runs it with Node
// and the project's @aws-amplify/data-schema, and returns the schema it
// stands for.
func Evaluate(ctx context.Context, projectDir, dataDir string) (*Evaluation, error) {
	resource := filepath.Join(dataDir, FileName)
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%s needs Node.js to evaluate: install Node 18 or newer (and run `npm install` in the project), or freeze it with `quarry build` where Node is and serve the %s it writes", resource, BuiltName)
	}
	absData, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", resource, err)
	}
	work := filepath.Join(projectDir, ".quarry", "ts")
	// Start clean: a stale copy of a file since deleted must not load.
	if err := os.RemoveAll(work); err != nil {
		return nil, fmt.Errorf("%s: clear the work folder: %w", resource, err)
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, fmt.Errorf("%s: make the work folder: %w", resource, err)
	}
	script := filepath.Join(work, "loader.mjs")
	if err := os.WriteFile(script, loader, 0o644); err != nil {
		return nil, fmt.Errorf("%s: write the loader: %w", resource, err)
	}
	// The work folder is inside the project, so the compiled module's
	// package imports resolve to the project's node_modules.
	module := filepath.Join(work, "resource.mjs")
	inputs, err := compile(projectDir, dataDir, module)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--enable-source-maps", script, projectDir, absData, module)
	// The project's code runs with what Node needs, not with the
	// server's secrets (connection strings, API keys) in its environment.
	cmd.Env = nodeEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("evaluate %s: %w: %s", resource, err, strings.TrimSpace(stderr.String()))
	}
	var r result
	if err := json.Unmarshal(bytes.TrimSpace(lastLine(stdout.Bytes())), &r); err != nil {
		return nil, fmt.Errorf("evaluate %s: unexpected output %q", resource, stdout.String())
	}
	if !r.OK {
		e := &Error{File: displayPath(r.File, dataDir, absData), Line: r.Line, Column: r.Column, Message: r.Message}
		if e.Line == 0 && r.Model != "" {
			locateModel(e, r.Model, inputs, dataDir, absData)
		}
		return nil, e
	}
	files, err := assemble(&r, resource)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Files: files, Inputs: inputs}, nil
}

// assemble writes the loader's result as schema files.
func assemble(r *result, resource string) ([]sdl.File, error) {
	var db *dbPart
	var sdls []string
	for _, p := range r.Parts {
		if p.Database == nil || p.Database.Engine == "dynamodb" {
			// a.model()s of a.schema(): the reference keeps them in
			// DynamoDB, Quarry in its own database (managed models).
			sdls = append(sdls, p.SDL)
			continue
		}
		if db != nil {
			return nil, &Error{File: resource, Message: "a.combine() of several SQL schemas is not supported yet: serve one database per API"}
		}
		db = p.Database
		sdls = append(sdls, p.SDL)
	}
	if db == nil {
		return nil, &Error{File: resource, Message: "the schema has no database: build it from the generated schema.sql.ts (import { schema } from './schema.sql')"}
	}
	if db.ConnectionURISecret == "" {
		return nil, &Error{File: resource, Message: "the database's connectionUri must be secret('NAME'), a secret of Quarry's store"}
	}
	var head strings.Builder
	fmt.Fprintf(&head, "extend schema @database(identifier: %s, engine: %s, connectionUriSecret: %s", quote(db.Identifier), quote(db.Engine), quote(db.ConnectionURISecret))
	if db.SSLCertSecret != "" {
		fmt.Fprintf(&head, ", sslCertSecret: %s", quote(db.SSLCertSecret))
	}
	head.WriteString(")\n")
	body := strings.Join(sdls, "\n")
	if len(r.AuthorizationModes) > 0 {
		modes, err := authModes(r.AuthorizationModes)
		if err != nil {
			return nil, &Error{File: resource, Message: err.Error()}
		}
		body = "extend schema @authorizationModes(" + modes + ")\n" + body
	}
	return []sdl.File{
		{Path: resource + " (data source)", Text: head.String()},
		{Path: resource + " (transform() output)", Text: body},
	}, nil
}

// locateModel points e at the one place in the user's files that sets
// model's rules (models.Event.authorization(...)), else the one that
// declares it (Todo: a.model(...)): transform() runs after resource.ts, so
// its errors carry no line. Several candidates name none: a guess would
// mislead.
func locateModel(e *Error, model string, inputs []string, dataDir, absData string) {
	name := regexp.QuoteMeta(model)
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`models\s*(?:\.\s*` + name + `\b|\[\s*['"]` + name + `['"]\s*\])`),
		regexp.MustCompile(`['"]?\b` + name + `\b['"]?\s*:\s*a\s*\.\s*model\s*\(`),
	} {
		var found []*Error
		for _, in := range inputs {
			text, err := os.ReadFile(in)
			if err != nil {
				continue
			}
			for i, line := range strings.Split(string(text), "\n") {
				if loc := re.FindStringIndex(line); loc != nil {
					found = append(found, &Error{File: displayPath(in, dataDir, absData), Line: i + 1, Column: loc[0] + 1})
				}
			}
		}
		if len(found) == 1 {
			e.File, e.Line, e.Column = found[0].File, found[0].Line, found[0].Column
		}
		if len(found) > 0 {
			return
		}
	}
}

// nodeEnv is the environment Node runs resource.ts with.
func nodeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PATH", name == "HOME", name == "TMPDIR", name == "LANG", name == "TZ",
			strings.HasPrefix(name, "NODE_"), strings.HasPrefix(name, "npm_config_"):
			env = append(env, kv)
		}
	}
	return env
}

func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, "\n")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// authModes writes defineData's authorizationModes as the arguments of
// @authorizationModes. Quarry reads the reference's names; a Lambda
// authorizer is a webhook here, so it takes url instead of function.
func authModes(m map[string]any) (string, error) {
	known := map[string][]string{
		"apiKeyAuthorizationMode":       {"expiresInDays"},
		"oidcAuthorizationMode":         {"oidcProviderName", "oidcIssuerUrl", "clientId", "groupsClaim", "usernameClaim"},
		"userPoolAuthorizationMode":     {"userPoolId", "issuer", "clientId", "groupsClaim", "usernameClaim"},
		"lambdaAuthorizationMode":       {"url", "timeToLiveInSeconds"},
		"identityPoolAuthorizationMode": {},
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v := m[k]
		if k == "defaultAuthorizationMode" {
			s, _ := v.(string)
			parts = append(parts, k+": "+quote(s))
			continue
		}
		fields, ok := known[k]
		if !ok {
			return "", fmt.Errorf("authorizationModes.%s is not supported by Quarry (it reads %s)", k, strings.Join(append([]string{"defaultAuthorizationMode"}, sortedKeys(known)...), ", "))
		}
		obj, _ := v.(map[string]any)
		if k == "lambdaAuthorizationMode" && obj["url"] == nil {
			return "", errors.New("authorizationModes.lambdaAuthorizationMode: Quarry calls an HTTP webhook, not a Lambda function: give { url: 'https://…', timeToLiveInSeconds: 300 }")
		}
		var kv []string
		for _, f := range fields {
			if x, ok := obj[f]; ok {
				kv = append(kv, f+": "+literal(x))
			}
		}
		parts = append(parts, k+": {"+strings.Join(kv, ", ")+"}")
	}
	return strings.Join(parts, ", "), nil
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// quote writes s as a GraphQL string (JSON's escapes are GraphQL's).
func quote(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw)
}

// literal writes a JSON value as a GraphQL literal.
func literal(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		items := make([]string, len(x))
		for i, e := range x {
			items[i] = literal(e)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	return "null"
}
