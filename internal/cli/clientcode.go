package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/clientgen"
)

// clientCodeFlags are graphql-client-code's flags, named as ampx names them.
type clientCodeFlags struct {
	dataDir, out, format, statementTarget, typeTarget string
	maxDepth                                          int
	typename                                          bool
}

func (e *env) graphqlClientCodeCommand() *cobra.Command {
	var f clientCodeFlags
	cmd := &cobra.Command{
		Use:   "graphql-client-code",
		Short: "Write typed GraphQL statements (and TypeScript types) for client.graphql()",
		Long: `Write one GraphQL statement per query, mutation and subscription the API serves,
for apps that call client.graphql({ query }) instead of client.models (apps
that do not import the schema from resource.ts), as ampx generate
graphql-client-code does: queries.ts, mutations.ts and subscriptions.ts, each
statement typed with the API.ts written beside them, so

  import { getEvent } from './graphql/queries';
  const { data } = await client.graphql({ query: getEvent, variables: { id: 1 } });

types data.getEvent. The statements are generated from the schema the server
serves for --data (no database is opened) and validate against it.

Each statement selects every scalar and enum field, and object fields down to
--statement-max-depth levels (2: a get selects an object it points to, a list
only its items' fields). --statement-target graphql writes .graphql files
instead (no types); javascript writes .js files without types.`,
		Example: `  quarry generate graphql-client-code --out src/graphql
  quarry generate graphql-client-code --statement-target graphql --out graphql
  quarry generate graphql-client-code --statement-max-depth 3`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.generateClientCode(cmd.Context(), f, cmd.Flags().Changed("type-target"))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dataDir, "data", "amplify/data", "folder holding the schema files (as for quarry serve)")
	fl.StringVar(&f.out, "out", filepath.Join("src", "graphql"), "directory to write the files into")
	fl.StringVar(&f.format, "format", "graphql-codegen", "what to generate: graphql-codegen (statements and types); the reference's modelgen and introspection are not supported")
	fl.StringVar(&f.statementTarget, "statement-target", clientgen.TargetTypeScript, "language of the statements: "+strings.Join(clientgen.StatementTargets(), ", "))
	fl.StringVar(&f.typeTarget, "type-target", "", "types to write: typescript (API.ts; the default with --statement-target typescript) or none")
	fl.IntVar(&f.maxDepth, "statement-max-depth", clientgen.DefaultMaxDepth, "how many levels of object fields the statements select")
	fl.BoolVar(&f.typename, "statement-typename-introspection", true, "select __typename in every object")
	return cmd
}

func (e *env) generateClientCode(ctx context.Context, f clientCodeFlags, typeTargetSet bool) error {
	if f.format != "graphql-codegen" {
		return usageError{fmt.Errorf("--format %s: Quarry generates graphql-codegen (statements and types) only; for client.models use amplify_outputs.json (quarry generate outputs), for the schema quarry export-schema", f.format)}
	}
	if !strings.Contains(" "+strings.Join(clientgen.StatementTargets(), " ")+" ", " "+f.statementTarget+" ") {
		return usageError{fmt.Errorf("--statement-target %s: use one of %s", f.statementTarget, strings.Join(clientgen.StatementTargets(), ", "))}
	}
	types := f.statementTarget == clientgen.TargetTypeScript
	if typeTargetSet {
		switch f.typeTarget {
		case "none", "":
			types = false
		case clientgen.TargetTypeScript:
			if f.statementTarget != clientgen.TargetTypeScript {
				return usageError{fmt.Errorf("--type-target typescript goes with --statement-target typescript (the statements import their types from API.ts)")}
			}
			types = true
		default:
			return usageError{fmt.Errorf("--type-target %s: use typescript or none", f.typeTarget)}
		}
	}
	if f.maxDepth < 1 || f.maxDepth > 10 {
		return usageError{fmt.Errorf("--statement-max-depth %d: use 1 to 10 (the reference's default is 2)", f.maxDepth)}
	}
	a, err := servedAPI(ctx, f.dataDir)
	if err != nil {
		return err
	}
	files, err := clientgen.Files(a.AST, clientgen.Options{StatementTarget: f.statementTarget, Types: types, MaxDepth: f.maxDepth, Typename: f.typename})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := writeFileAtomic(filepath.Join(f.out, name), []byte(files[name])); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "Wrote %s to %s: %d queries, %d mutations, %d subscriptions\n", strings.Join(names, ", "), f.out,
		len(a.Query), len(a.Mutation), len(a.Subscription))
	return nil
}
