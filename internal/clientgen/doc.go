// Package clientgen writes the client code `quarry generate
// graphql-client-code` produces for apps that call the API with
// client.graphql() instead of client.models: one GraphQL statement per root
// field of the served schema (queries, mutations, subscriptions), and for
// TypeScript the types of their variables and results (API.ts), so that
// client.graphql({query: getEvent, variables}) is typed end to end.
//
// It reads only the public schema api.Build serves (*ast.Schema), never
// the IR, so what it writes is exactly what the server validates against.
//
// # What the reference does, and what Quarry does alike
//
// `ampx generate graphql-client-code` (format graphql-codegen, the default)
// runs @aws-amplify/graphql-docs-generator and @aws-amplify/graphql-types-generator
// on the deployed API's schema. Quarry follows them:
//
//   - one operation per root field, named after it in PascalCase
//     (getEvent → query GetEvent), declaring every argument of the field as
//     a variable of the same name and type;
//   - selection sets follow getFields: the root field has depth maxDepth
//     (default 2); each nested field has one less; scalars and enums are
//     always selected, object fields only while their depth is at least 1,
//     and an object field with nothing selected is left out; __typename is
//     added to every object selection (typenameIntrospection, default on);
//   - files queries.ts, mutations.ts and subscriptions.ts in the out
//     directory, each statement `export const getEvent = /* GraphQL */ `...`
//     as GeneratedQuery<APITypes.GetEventQueryVariables, APITypes.GetEventQuery>;`,
//     and API.ts beside them with the input types, enums and object types
//     used, and the <Name>Query / <Name>QueryVariables pairs (Mutation,
//     Subscription alike);
//   - --statement-target graphql writes queries.graphql, ... instead
//     (no types), javascript writes queries.js, ... without type tags.
//
// Differences, on purpose: nested fields that need an argument are left
// out (the reference would write a document that does not validate); the
// operation name only upper-cases the first letter of each part between
// underscores (the reference's change-case would also lower-case the rest
// of a word: getURL → GetUrl); the text is laid out as prettier lays it
// out at 80 columns for the common shapes, not by prettier itself.
package clientgen
