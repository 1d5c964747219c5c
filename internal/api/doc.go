// Package api turns the IR into the public GraphQL schema that clients see:
// the AppSync-named root fields (getX, listXs, createX, onCreateX, ...),
// their inputs, filters, connections and key conditions, the custom types
// and operations, and the AppSync scalars and directives. Build returns the
// SDL text, the schema parsed and validated by gqlparser, and an index that
// leads from every root field, object type and relationship field back to
// the IR, which the planner reads to resolve a request.
//
// # Names
//
// The names must be exactly those the aws-amplify client writes into its
// documents, because it declares variable types by name and GraphQL
// validation compares them with the argument types. They follow what
// @aws-amplify/data-schema 1.26.2 (runtime/internals/APIClient.mjs,
// generateGraphQLDocument) sends and what the current Amplify model
// transformer generates. With N the model name and U = N with its first
// letter upper-cased:
//
//	getU listPlural(U) createU updateU deleteU onCreateU onUpdateU onDeleteU
//	CreateUInput UpdateUInput DeleteUInput
//	ModelUConnection ModelUFilterInput ModelUConditionInput ModelSubscriptionUFilterInput
//	ModelUPrimaryCompositeKeyConditionInput ModelUPrimaryCompositeKeyInput
//
// The object type itself keeps N. Older transformers kept N verbatim in the
// Model...Input and Connection names; the client upper-cases it since
// amplify-data#202 and the model transformer does too (getFilterInputName
// and friends in graphql-transformer-core), so a model kept as the table
// name "event" needs ModelEventFilterInput. modelNamesFor is the one place
// that decides this.
//
// A list query takes the partition key field (nullable), the sort-key
// condition, filter, limit, nextToken and sortDirection, for every model,
// as the primary-key transformer emits them: the client declares $<pk> and
// $sortDirection whenever the key field is not named "id". With one sort
// field the condition argument is named after it and typed
// Model<Scalar>KeyConditionInput; with several it is named by joining them
// (the first as is, the others with an upper-cased first letter: "daySlot")
// and typed ModelUPrimaryCompositeKeyConditionInput.
//
// Per-field filter inputs map the AppSync scalars to String (AWSDate,
// AWSTime, AWSDateTime, AWSEmail, AWSJSON, AWSURL, AWSPhone, AWSIPAddress)
// or Int (AWSTimestamp). List fields use their element's input (the
// transformer does the same; contains then tests membership), except lists
// of enums, which get Model<Enum>ListInput. Subscription filters treat
// enums as strings.
package api
