package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
)

func (e *env) exportSchemaCommand() *cobra.Command {
	var dataDir, format, out string
	cmd := &cobra.Command{
		Use:   "export-schema [--format sdl|json] [--out FILE]",
		Short: "Print the GraphQL schema the API serves, as SDL or introspection JSON",
		Long: `Print the public GraphQL schema Quarry serves for the schema in --data (the
getX/listXs/createX... fields, their inputs, filters and connections, with the
AppSync scalars and directives declared), without opening a database, for
GraphQL tools: graphql-codegen, Apollo, IDE plugins, schema checks in CI.

--format sdl (the default) prints the schema language. --format json prints the
result of the standard full introspection query ({"data":{"__schema":...}}),
answered by Quarry's own request pipeline as a running server answers it; this
is the schema.json most tools accept. With --out the file is written instead of
stdout, and a .json name picks the json format.`,
		Example: `  quarry export-schema > schema.graphql
  quarry export-schema --format json --out schema.json
  npx graphql-codegen --schema schema.graphql ...`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("format") && strings.HasSuffix(out, ".json") {
				format = "json"
			}
			return e.exportSchema(cmd.Context(), dataDir, format, out)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "amplify/data", "folder holding the schema files (as for quarry serve)")
	cmd.Flags().StringVar(&format, "format", "sdl", "sdl (schema language) or json (introspection result)")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: stdout)")
	return cmd
}

func (e *env) exportSchema(ctx context.Context, dataDir, format, out string) error {
	if format != "sdl" && format != "json" {
		return usageError{fmt.Errorf("--format %s: use sdl or json", format)}
	}
	a, err := servedAPI(ctx, dataDir)
	if err != nil {
		return err
	}
	text := []byte(a.SDL)
	if format == "json" {
		eng := &pipeline.Engine{API: a, Log: e.log,
			// The whole schema in one response: no response-size limit
			// applies to a file written locally.
			Limits: pipeline.Limits{MaxResponseBytes: 1 << 30}}
		resp := eng.Serve(ctx, pipeline.Request{Query: introspectionQuery}, "export-schema", auth.Identity{})
		if len(resp.Errors) > 0 {
			return fmt.Errorf("introspection: %s", resp.Errors[0].Message)
		}
		var buf bytes.Buffer
		if err := json.Indent(&buf, []byte(`{"data":`+string(resp.Data)+`}`), "", "  "); err != nil {
			return fmt.Errorf("introspection result: %w", err)
		}
		buf.WriteByte('\n')
		text = buf.Bytes()
	}
	if out == "" {
		_, err := e.stdout.Write(text)
		return err
	}
	if err := writeFileAtomic(out, text); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Wrote %s (%s, %d types)\n", out, format, len(a.AST.Types))
	return nil
}

// introspectionQuery is graphql-js's getIntrospectionQuery() with its
// defaults (descriptions, type references nine levels deep): the query
// graphql-codegen, Apollo and GraphiQL send, whose result they all read.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types {
      ...FullType
    }
    directives {
      name
      description
      locations
      args {
        ...InputValue
      }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  fields(includeDeprecated: true) {
    name
    description
    args {
      ...InputValue
    }
    type {
      ...TypeRef
    }
    isDeprecated
    deprecationReason
  }
  inputFields {
    ...InputValue
  }
  interfaces {
    ...TypeRef
  }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes {
    ...TypeRef
  }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
`
