package api

import (
	"github.com/quarrydata/quarry/internal/schema"
)

// modelNames holds every name generated for one model.
type modelNames struct {
	typ        string // the object type: the model name as is
	root       map[Kind]string
	connection string
	filter     string
	condition  string
	subFilter  string
	create     string
	update     string
	delete     string
	// compositeKey and compositeKeyCondition are used only when the key
	// has more than one sort field.
	compositeKey          string
	compositeKeyCondition string
}

// modelNamesFor is the one place that decides a model's generated names
// (see the package comment for the rule and its sources). Every name but
// the type's own upper-cases the model name's first letter, as the client
// does (namePascalCase in generateGraphQLDocument).
func modelNamesFor(m *schema.Model) modelNames {
	u := schema.UpperFirst(m.Name)
	return modelNames{
		typ: m.Name,
		root: map[Kind]string{
			Get:      "get" + u,
			List:     "list" + schema.Plural(u),
			Create:   "create" + u,
			Update:   "update" + u,
			Delete:   "delete" + u,
			OnCreate: "onCreate" + u,
			OnUpdate: "onUpdate" + u,
			OnDelete: "onDelete" + u,
			// Aggregate: a Quarry extension (aggregate.go).
			Aggregate: "aggregate" + u,
		},
		connection:            "Model" + u + "Connection",
		filter:                "Model" + u + "FilterInput",
		condition:             "Model" + u + "ConditionInput",
		subFilter:             "ModelSubscription" + u + "FilterInput",
		create:                "Create" + u + "Input",
		update:                "Update" + u + "Input",
		delete:                "Delete" + u + "Input",
		compositeKey:          "Model" + u + "PrimaryCompositeKeyInput",
		compositeKeyCondition: "Model" + u + "PrimaryCompositeKeyConditionInput",
	}
}

// sortKeyArg names the list argument for a key's sort fields: the field's
// own name for one, and for several the names joined with every one but
// the first upper-cased ("day", "slot" → "daySlot"), which is what the
// client's resolvedSkName declares. (The transformer's toCamelCase also
// lower-cases the first letter; the client does not, and it is the
// client's document that must validate.)
func sortKeyArg(sortFields []string) string {
	if len(sortFields) == 0 {
		return ""
	}
	arg := sortFields[0]
	for _, f := range sortFields[1:] {
		arg += schema.UpperFirst(f)
	}
	return arg
}

// filterBase maps a scalar to the scalar its filter inputs compare with
// (APPSYNC_DEFINED_SCALARS in graphql-transformer-common): the AppSync
// string formats to String, AWSTimestamp to Int.
var filterBase = map[string]string{
	schema.ID:           schema.ID,
	schema.String:       schema.String,
	schema.Int:          schema.Int,
	schema.Float:        schema.Float,
	schema.Boolean:      schema.Boolean,
	schema.AWSDate:      schema.String,
	schema.AWSTime:      schema.String,
	schema.AWSDateTime:  schema.String,
	schema.AWSEmail:     schema.String,
	schema.AWSJSON:      schema.String,
	schema.AWSURL:       schema.String,
	schema.AWSPhone:     schema.String,
	schema.AWSIPAddress: schema.String,
	schema.AWSTimestamp: schema.Int,
}

// awsScalars are the AppSync scalars, declared in every schema because
// AppSync has them built in, with the formats AppSync accepts.
var awsScalars = []struct{ name, desc string }{
	{schema.AWSDate, "A date, YYYY-MM-DD, with an optional time zone offset."},
	{schema.AWSTime, "A time, hh:mm[:ss[.sss]], with an optional time zone offset."},
	{schema.AWSDateTime, "A date and time, YYYY-MM-DDThh:mm:ss[.sss] with a time zone offset (Z or ±hh:mm)."},
	{schema.AWSTimestamp, "Seconds since 1970-01-01T00:00Z, as an integer."},
	{schema.AWSEmail, "An email address (RFC 822)."},
	{schema.AWSJSON, "JSON text, sent and returned as a string."},
	{schema.AWSURL, "A URL with a scheme."},
	{schema.AWSPhone, "A phone number."},
	{schema.AWSIPAddress, "An IPv4 or IPv6 address, optionally with a CIDR prefix."},
}

// directives are the AppSync directives: @aws_subscribe ties a
// subscription to its mutations; the auth directives are declared so that
// a schema annotated with them (as AppSync's are) still loads.
const directives = `directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
directive @aws_api_key on FIELD_DEFINITION | OBJECT
directive @aws_iam on FIELD_DEFINITION | OBJECT
directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT
directive @aws_oidc on FIELD_DEFINITION | OBJECT
directive @aws_lambda on FIELD_DEFINITION | OBJECT
`
