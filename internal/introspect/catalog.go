// Package introspect reads the live catalog of a database and returns it as
// raw facts: tables, views, columns with their engine-native types, keys,
// foreign keys, enums and comments. It decides nothing about GraphQL; the
// schema package maps these facts to the IR.
//
// Each engine has one file (postgres.go, mysql.go, sqlite.go) whose catalog
// queries live beside it as embedded .sql files. Every engine reads its whole
// catalog with a constant number of queries, however many tables there are.
package introspect

import "github.com/quarrydata/quarry/internal/connect"

// Engine names as they appear in the generated schema (`engine: "postgresql"`).
const (
	EnginePostgres = connect.Postgres
	EngineMySQL    = connect.MySQL
	EngineSQLite   = connect.SQLite
)

// Table kinds.
const (
	KindTable            = "table"
	KindPartitionedTable = "partitioned table"
	KindView             = "view"
	KindMaterializedView = "materialized view"
)

// Catalog is everything Quarry knows about a database's structure. It is a
// plain value that can be dumped as JSON (`quarry introspect --dump`).
type Catalog struct {
	Engine   string `json:"engine"`
	Flavor   string `json:"flavor,omitempty"` // "mariadb" or "mysql" for EngineMySQL
	Version  string `json:"version,omitempty"`
	Database string `json:"database"`
	// Schemas lists the schemas read, in the order asked for (PostgreSQL).
	Schemas []string `json:"schemas,omitempty"`
	Tables  []Table  `json:"tables"`
	// Enums are named enum types (PostgreSQL CREATE TYPE ... AS ENUM).
	// MySQL's inline ENUM/SET values sit on the column instead.
	Enums []EnumType `json:"enums,omitempty"`
}

// Table is a table, partitioned table, view or materialized view.
type Table struct {
	Schema      string       `json:"schema,omitempty"`
	Name        string       `json:"name"`
	Kind        string       `json:"kind"`
	Comment     string       `json:"comment,omitempty"`
	Columns     []Column     `json:"columns"`
	PrimaryKey  []string     `json:"primaryKey,omitempty"` // column names in key order
	Uniques     [][]string   `json:"uniques,omitempty"`    // unique constraints and unique indexes, each in key order
	ForeignKeys []ForeignKey `json:"foreignKeys,omitempty"`
	// Indexes are the non-unique indexes, read only when asked
	// (Options.Indexes; indexes.go).
	Indexes []Index `json:"indexes,omitempty"`
}

// Column is one column with its type as the engine reports it.
type Column struct {
	Name string `json:"name"`
	// DataType is the engine's base type name, lower case, without
	// modifiers: "int4", "varchar", "timestamptz" (PostgreSQL udt names, with
	// domains resolved to their base type and arrays to their element type),
	// "int", "enum", "set" (MySQL DATA_TYPE), or the declared type for SQLite.
	DataType string `json:"dataType"`
	// ColumnType is the full declared type text, e.g. "int(10) unsigned",
	// "enum('a','b')", "character varying(20)", "integer[]".
	ColumnType string `json:"columnType"`
	// ArrayDims is the number of array dimensions (PostgreSQL), 0 otherwise.
	ArrayDims int  `json:"arrayDims,omitempty"`
	Nullable  bool `json:"nullable"`
	// Default is the default expression as the catalog prints it.
	Default *string `json:"default,omitempty"`
	// AutoIncrement is true when the database generates the value on insert:
	// identity, serial (nextval default), AUTO_INCREMENT, SQLite's INTEGER
	// PRIMARY KEY.
	AutoIncrement bool `json:"autoIncrement,omitempty"`
	// Identity is "ALWAYS" or "BY DEFAULT" for PostgreSQL identity columns.
	Identity string `json:"identity,omitempty"`
	// Generated is true for computed columns (GENERATED ALWAYS AS (expr)),
	// which can be read but never written.
	Generated bool `json:"generated,omitempty"`
	Unsigned  bool `json:"unsigned,omitempty"`
	// EnumValues holds the values of an enum (PostgreSQL named enums, MySQL
	// ENUM) or the members of a MySQL SET.
	EnumValues []string `json:"enumValues,omitempty"`
	// EnumType names a PostgreSQL enum type (schema-qualified when it is not
	// in the first schema read).
	EnumType string `json:"enumType,omitempty"`
	// Domain names the PostgreSQL domain the column was declared with.
	Domain  string `json:"domain,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// ForeignKey is a (possibly composite) foreign key.
type ForeignKey struct {
	Name       string   `json:"name"`
	Columns    []string `json:"columns"`
	RefSchema  string   `json:"refSchema,omitempty"`
	RefTable   string   `json:"refTable"`
	RefColumns []string `json:"refColumns"`
}

// EnumType is a named enum type.
type EnumType struct {
	Schema string   `json:"schema,omitempty"`
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// Table returns the table with the given schema and name, or nil.
func (c *Catalog) Table(schema, name string) *Table {
	for i := range c.Tables {
		if c.Tables[i].Name == name && c.Tables[i].Schema == schema {
			return &c.Tables[i]
		}
	}
	return nil
}

// Column returns the named column, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// IsView reports whether the relation is a view or materialized view.
func (t *Table) IsView() bool { return t.Kind == KindView || t.Kind == KindMaterializedView }
