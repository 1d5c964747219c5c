// Package plan turns a validated GraphQL operation, its variables and the
// caller's identity into a resolved tree per root field: which table, which
// columns, which relationships with their join columns, which predicates,
// which order and page. It knows nothing of SQL text; sqlgen compiles a
// plan into one statement for a dialect.
package plan

import (
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// Select reads rows of one model as JSON objects: a get (Single), a list,
// or a relationship nested in another Select.
type Select struct {
	Model  *schema.Model
	Fields []Output
	// Where is the filter, the key of a get, and (later) the caller's
	// authorization predicate, already combined.
	Where pred.Expr
	// Order is the model's primary key, ascending unless Desc.
	Desc bool
	// Limit is the page size; a list fetches one row more to know whether
	// there is a next page. Zero means no limit (a get).
	Limit int
	// After holds the primary key values of the last row of the previous
	// page (from nextToken): the page starts after it in Order.
	After []any
	// Single marks a get or a belongsTo/hasOne: one object or null.
	Single bool
	// Page is set on a nested hasMany whose connection selects nextToken.
	Page *Page
}

// Page asks for a nested hasMany's nextToken. The database cannot sign a
// token, so the dialect writes, in nextToken's place, null when no row
// follows the page's Limit rows, or else the JSON array
//
//	[Marker, ID, [parent key values], [last item's key values]]
//
// which the pipeline replaces with a signed token (Pages.Mint) before the
// response leaves. Key values are written as a list's token keeps them.
type Page struct {
	// Marker is the request's random nonce (Pages.Marker), bound as an
	// argument: row data cannot hold it, so it cannot pass for a marker.
	Marker string
	// ID says which of the root's Pages this connection is.
	ID int
	// Parent holds the parent's key fields, in the order of Join (whose
	// Outer columns they are): the token is bound to their values.
	Parent []*schema.Field
}

// Output is one key of the JSON object built for a row: a column or a
// nested relationship, under the name (alias) the query asked for.
type Output struct {
	Key   string
	Field *schema.Field // a column, or
	// Nested is a relationship: Join pairs the parent's columns with the
	// child's. A hasMany is a connection object whose keys (items,
	// nextToken, __typename, under the query's aliases) are in Connection.
	Nested     *Select
	Join       []JoinPair
	Connection []ConnKey
	// Typename is a constant string (__typename).
	Typename string
}

// ConnKey is one key of a connection object ({items nextToken __typename}).
type ConnKey struct {
	Key  string
	What string // "items", "nextToken" or "__typename"
	// Typename is the connection type's name, for What == "__typename".
	Typename string
}

// JoinPair equates a column of the outer row with a column of the nested one.
type JoinPair struct {
	Outer, Inner string
}

// Insert creates one row and returns it as stored.
type Insert struct {
	Model   *schema.Model
	Columns []string
	Values  []any
	// Return describes the JSON object to return for the new row.
	Return *Select
}

// Update changes the row with Key, if Where also holds, and returns it.
type Update struct {
	Model   *schema.Model
	Key     pred.Expr
	Where   pred.Expr // condition and authorization
	Columns []string
	Values  []any
	Return  *Select
}

// Delete removes the row with Key, if Where also holds, and returns it as
// it was.
type Delete struct {
	Model  *schema.Model
	Key    pred.Expr
	Where  pred.Expr
	Return *Select
}
