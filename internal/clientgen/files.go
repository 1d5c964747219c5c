package clientgen

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Statement targets (--statement-target) and the type target
// (--type-target) the reference names alike.
const (
	TargetTypeScript = "typescript"
	TargetJavaScript = "javascript"
	TargetGraphQL    = "graphql"
)

// StatementTargets lists the statement targets Files writes.
func StatementTargets() []string {
	return []string{TargetTypeScript, TargetJavaScript, TargetGraphQL}
}

// Options choose what Files writes.
type Options struct {
	// StatementTarget is typescript, javascript or graphql.
	StatementTarget string
	// Types writes API.ts and types the statements with it; only with
	// the typescript statement target.
	Types bool
	// MaxDepth bounds the selection sets (DefaultMaxDepth when 0).
	MaxDepth int
	// Typename adds __typename to every object selection.
	Typename bool
}

// typesFile is API.ts without its extension, imported by the statements
// from the same directory.
const typesFile = "API"

const generatedWarning = "this is an auto generated file. This will be overwritten"

// Files returns the files to write into the out directory, by name:
// queries, mutations and subscriptions (those that have operations) in the
// statement target's language, and API.ts when o.Types.
func Files(s *ast.Schema, o Options) (map[string]string, error) {
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	ext := map[string]string{TargetTypeScript: "ts", TargetJavaScript: "js", TargetGraphQL: "graphql"}[o.StatementTarget]
	if ext == "" {
		return nil, fmt.Errorf("statement target %q: use one of %s", o.StatementTarget, strings.Join(StatementTargets(), ", "))
	}
	if o.Types && o.StatementTarget != TargetTypeScript {
		return nil, fmt.Errorf("TypeScript types go with the typescript statement target, not %s", o.StatementTarget)
	}
	ops, err := Operations(s, o.MaxDepth, o.Typename)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, g := range []struct {
		kind ast.Operation
		file string
	}{{ast.Query, "queries"}, {ast.Mutation, "mutations"}, {ast.Subscription, "subscriptions"}} {
		var these []Operation
		for _, op := range ops {
			if op.Kind == g.kind {
				these = append(these, op)
			}
		}
		if len(these) == 0 {
			continue
		}
		files[g.file+"."+ext] = statements(g.kind, these, o)
	}
	if o.Types {
		files[typesFile+".ts"] = TypeScript(s, ops)
	}
	return files, nil
}

// statements renders one statements file.
func statements(kind ast.Operation, ops []Operation, o Options) string {
	var b strings.Builder
	if o.StatementTarget == TargetGraphQL {
		b.WriteString("# " + generatedWarning + "\n")
		for _, op := range ops {
			b.WriteString("\n" + op.Document())
		}
		return b.String()
	}
	if o.StatementTarget == TargetTypeScript {
		b.WriteString("/* tslint:disable */\n")
	}
	b.WriteString("/* eslint-disable */\n// " + generatedWarning + "\n\n")
	tag := "Generated" + typeName(kind)
	if o.Types {
		// The branded string type is what client.graphql() reads the
		// variables' and the result's types from.
		fmt.Fprintf(&b, "import * as APITypes from \"./%s\";\ntype %s<InputType, OutputType> = string & {\n  __generated%sInput: InputType;\n  __generated%sOutput: OutputType;\n};\n\n",
			typesFile, tag, typeName(kind), typeName(kind))
	}
	for _, op := range ops {
		fmt.Fprintf(&b, "export const %s = /* GraphQL */ `%s`", op.Field, op.Document())
		if o.Types {
			fmt.Fprintf(&b, " as %s<APITypes.%s, APITypes.%s>", tag, op.Name+typeName(kind)+"Variables", op.Name+typeName(kind))
		}
		b.WriteString(";\n")
	}
	return b.String()
}
