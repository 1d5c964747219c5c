package schema

// Scalar type names: the GraphQL built-ins and the AppSync scalars.
const (
	ID           = "ID"
	String       = "String"
	Int          = "Int"
	Float        = "Float"
	Boolean      = "Boolean"
	AWSDate      = "AWSDate"
	AWSTime      = "AWSTime"
	AWSDateTime  = "AWSDateTime"
	AWSTimestamp = "AWSTimestamp"
	AWSJSON      = "AWSJSON"
	AWSEmail     = "AWSEmail"
	AWSURL       = "AWSURL"
	AWSPhone     = "AWSPhone"
	AWSIPAddress = "AWSIPAddress"
)

// Relationship kinds, as the Amplify directives name them.
const (
	BelongsTo = "belongsTo"
	HasMany   = "hasMany"
	HasOne    = "hasOne"
)

// Schema is the IR: everything downstream (codegen, the API, the planner)
// reads only this.
type Schema struct {
	Database Database
	Models   []*Model
	Enums    []*Enum
	// Skipped lists the tables and views that are not served, with why.
	Skipped []Skipped
	// Notes lists columns whose mapping needs the user's attention (an
	// enum value renamed because of a collision, say).
	Notes []string

	// Auth holds the global rules, applied to every model and operation
	// that has none of its own.
	Auth []AuthRule
	// Modes says which kinds of credentials the API accepts; nil means
	// none were configured (API keys, and in the sandbox its own tokens).
	Modes *AuthModes
	// Types are custom (non-model) types, returned by custom operations.
	Types []*CustomType
	// Queries and Mutations are custom operations.
	Queries   []*Operation
	Mutations []*Operation
	// Subscriptions are custom subscriptions: each receives the results
	// of the mutations it names (@aws_subscribe).
	Subscriptions []*Operation
}

// Database is the data source a SQL schema reads, as written into
// `configure({database: ...})`.
type Database struct {
	Identifier          string
	Engine              string // "postgresql", "mysql" or "sqlite"
	ConnectionURISecret string
	SSLCertSecret       string
}

// Model is a table (or a keyed view) served as a GraphQL type.
type Model struct {
	Name    string
	Table   TableRef
	Kind    string // the catalog's relation kind: table, view, ...
	Comment string
	Fields  []*Field
	// PrimaryKey holds field names in key order.
	PrimaryKey []string
	// UniqueColumns lists the column sets the database itself keeps
	// unique, as the catalog read them (FromCatalog, Bind): the primary
	// key, unique constraints, and unique indexes on plain columns without
	// a predicate; nil when unknown. PrimaryKey may be declared where
	// nothing enforces it (a view's); these are enforced, so an equality
	// join on all the columns of one finds at most one row, which sqlgen
	// relies on to join a to-one relationship without a LIMIT 1 subquery.
	UniqueColumns [][]string `json:",omitempty"`
	Relationships []*Relationship
	// Auth holds the model's own rules; empty means the global rules apply.
	Auth []AuthRule
	// Managed marks a model that is not a table of the user's database
	// (the reference keeps such models in DynamoDB): Quarry stores it in
	// its own database and creates and migrates its table.
	Managed bool
	// Disabled lists operations turned off through @model, by their
	// generated names' kind: "get", "list", "create", "update", "delete",
	// "onCreate", "onUpdate", "onDelete".
	Disabled []string
	// Indexes are the model's secondary indexes (index.go).
	Indexes []*Index `json:",omitempty"`
}

// TableRef names a relation in the database.
type TableRef struct {
	Schema string // empty for the default schema
	Name   string
}

// Field is a column served as a scalar or enum field.
type Field struct {
	Name   string
	Column string
	// Type is a scalar name (see the constants) or an enum's name.
	Type   string
	IsEnum bool
	// Enum is the enum named Type, when IsEnum and the schema was built
	// from or bound to the catalog (FromCatalog, Bind): it maps the
	// field's values between their GraphQL names and the stored text,
	// where the field alone is at hand (the change stream formats rows
	// with it). Nil means every value is stored as its name.
	Enum *Enum
	// IsList marks list fields (PostgreSQL arrays, MySQL SET).
	IsList bool
	// Required means NOT NULL; for a list it applies to the elements, as in
	// the reference ([String!]).
	Required bool
	// DBGenerated marks values the database fills on insert (identity,
	// serial, AUTO_INCREMENT, rowid aliases): optional in create, returned
	// after insert.
	DBGenerated bool
	// ReadOnly marks computed columns, which can never be written.
	ReadOnly bool
	// Int64 marks 64-bit integer columns, whose values can exceed 2^53.
	Int64   bool
	Default *string
	Comment string
	// NativeType is the column's declared type, kept for documentation.
	NativeType string
	// DBType is the engine's base type name (introspect.Column.DataType:
	// "timestamptz", "int8", "datetime", ...); sqlgen formats values by it.
	// It is filled from the live catalog, also for schemas read from SDL.
	DBType string
	// Auth holds field-level rules; empty means the model's rules apply.
	Auth []AuthRule
}

// Relationship is a link to another model through reference fields held
// by the child model (the one with the foreign key).
type Relationship struct {
	Name       string
	Kind       string // BelongsTo, HasMany or HasOne
	Target     string // model name
	References []string
	// Inferred marks relationships derived from a foreign key; a
	// relationship the user declares under the same name replaces it.
	Inferred bool
	// ForeignKey names the constraint it was inferred from.
	ForeignKey string
}

// AuthRule is one authorization rule, as written in @auth(rules: [...]).
// Empty strings mean the rule kind's default (see the authorization issue).
type AuthRule struct {
	Allow         string   // public, private, owner, groups, custom
	Provider      string   // apiKey, identityPool, userPools, oidc, function
	Operations    []string // create update delete read get list listen sync search
	OwnerField    string
	IdentityClaim string
	Groups        []string
	GroupsField   string
	GroupClaim    string
}

// AuthModes configures the credentials an API accepts, as the reference's
// defineData({authorizationModes}) does.
type AuthModes struct {
	// Default is the mode the client uses unless told otherwise: apiKey,
	// userPool, oidc, lambda or identityPool; "" lets Quarry choose.
	Default string
	// APIKey enables API keys; APIKeyExpiresInDays is the life of the keys
	// the sandbox mints (0: the reference's 7).
	APIKey              bool
	APIKeyExpiresInDays int
	// UserPool and OIDC are token issuers (a Cognito user pool is an OIDC
	// issuer whose tokens carry cognito:groups).
	UserPool *TokenIssuer
	OIDC     *TokenIssuer
	// Lambda is the custom authorizer webhook.
	Lambda *LambdaAuthorizer
	// IdentityPool accepts guests (requests without credentials).
	IdentityPool bool
}

// TokenIssuer is an OpenID Connect issuer whose tokens the API accepts.
type TokenIssuer struct {
	Name      string
	Issuer    string
	ClientIDs []string
	// GroupsClaim names the claim holding the user's groups ("" means
	// cognito:groups); UsernameClaim the username claim ("" means username
	// or cognito:username).
	GroupsClaim   string
	UsernameClaim string
}

// LambdaAuthorizer is a webhook that answers as an AppSync Lambda
// authorizer does.
type LambdaAuthorizer struct {
	URL string
	// TTLSeconds caches answers per token; nil means the reference's 300.
	TTLSeconds *int
}

// TypeRef is a GraphQL type reference: Name, possibly wrapped in a list.
type TypeRef struct {
	Name     string
	List     bool
	Required bool // the value (the list itself, for a list) is non-null
	// ElemRequired marks a list's elements non-null ([T!]).
	ElemRequired bool
}

// String renders the reference in GraphQL syntax ("[Event!]!").
func (t TypeRef) String() string {
	s := t.Name
	if t.List {
		if t.ElemRequired {
			s += "!"
		}
		s = "[" + s + "]"
	}
	if t.Required {
		s += "!"
	}
	return s
}

// CustomType is a non-model object type.
type CustomType struct {
	Name   string
	Fields []*TypeField
}

// TypeField is a field of a custom type or an argument of an operation.
type TypeField struct {
	Name string
	Type TypeRef
}

// Operation is a custom query or mutation whose handler is SQL.
type Operation struct {
	Name    string
	Args    []*TypeField
	Returns TypeRef
	// SQL is the statement with :name placeholders, read from the schema
	// (@sql(statement:)) or from the file that @sql(reference:) names.
	SQL string
	// SQLFile is the path given to @sql(reference:), as written.
	SQLFile string
	Auth    []AuthRule
	// Mutations, on a custom subscription, names the mutations (model or
	// custom) whose results it receives.
	Mutations []string
}

// Skipped is a relation that is not served.
type Skipped struct {
	Table  string // schema-qualified when not in the default schema
	Kind   string
	Reason string
	Fix    string
}

// Enum returns the named enum, or nil.
func (s *Schema) Enum(name string) *Enum {
	for _, e := range s.Enums {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Type returns the named custom type, or nil.
func (s *Schema) Type(name string) *CustomType {
	for _, t := range s.Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Model returns the named model, or nil.
func (s *Schema) Model(name string) *Model {
	for _, m := range s.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Field returns the named field, or nil.
func (m *Model) Field(name string) *Field {
	for _, f := range m.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Relationship returns the named relationship, or nil.
func (m *Model) Relationship(name string) *Relationship {
	for _, r := range m.Relationships {
		if r.Name == name {
			return r
		}
	}
	return nil
}
