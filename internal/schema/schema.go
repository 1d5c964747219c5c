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
	// Notes lists columns whose mapping lost something (an enum whose
	// values are not GraphQL names, say), for the user to read.
	Notes []string
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
	PrimaryKey    []string
	Relationships []*Relationship
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

// Enum is an enum type.
type Enum struct {
	Name   string
	Values []string
}

// Skipped is a relation that is not served.
type Skipped struct {
	Table  string // schema-qualified when not in the default schema
	Kind   string
	Reason string
	Fix    string
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
