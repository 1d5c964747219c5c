// Package plan turns a validated GraphQL operation, its variables and the
// caller's identity into a resolved tree per root field: which table, which
// columns, which relationships with their join columns, which predicates,
// which order and page. It knows nothing of SQL text; sqlgen compiles a
// plan into one statement for a dialect.
package plan

import (
	"strings"

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
	// Order is the sortBy keys of a list, in order; Desc the direction of
	// the primary key when there are none. Keys gives the order in full.
	Order []OrderKey
	Desc  bool
	// Limit is the page size; a list fetches one row more to know whether
	// there is a next page (unless NoNext). Zero means no limit (a get).
	Limit int
	// After holds the Keys values of the last row of the previous page
	// (from nextToken): the page starts after it in that order.
	After []any
	// Count asks a root list for the number of rows Where lets through
	// (the connection's totalCount), in the same statement.
	Count bool
	// NoNext marks a root list whose connection does not select
	// nextToken: nothing reads the row past Limit or the rows' keys, so
	// the statement need not fetch or build them.
	NoNext bool
	// Single marks a get or a belongsTo/hasOne: one object or null.
	Single bool
	// Page is set on a nested hasMany whose connection selects nextToken.
	Page *Page
}

// Page asks for a nested hasMany's nextToken. The database cannot sign a
// token, so the dialect writes, in nextToken's place, null when no row
// follows the page's Limit rows, or else the JSON array
//
//	[Marker, ID, [parent key values], [last item's Keys values]]
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

	// Guard, on a Field, shows the value only on rows where it holds and
	// null elsewhere: a field-level rule's row predicate, or
	// pred.Const(false) for a field the caller may not read at all.
	Guard pred.Expr
	// Flag marks a hidden output that is 1 where Flag (the Guard of the
	// output before it) fails and null elsewhere; its Key is DeniedKey of
	// that output's. The pipeline removes it from the response and reports
	// an Unauthorized error on the field's path where it is 1.
	Flag pred.Expr
}

// deniedPrefix starts the keys of Flag outputs. GraphQL names cannot hold
// a colon, so no alias of a query can collide with one.
const deniedPrefix = "q:denied:"

// DeniedKey is the key of the Flag output of field (of type typ) selected
// under key.
func DeniedKey(typ, field, key string) string { return deniedPrefix + typ + ":" + field + ":" + key }

// FlaggedKey reads a key DeniedKey made, reporting false for other keys.
func FlaggedKey(k string) (typ, field, key string, ok bool) {
	rest, ok := strings.CutPrefix(k, deniedPrefix)
	if !ok {
		return "", "", "", false
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// ConnKey is one key of a connection object ({items nextToken __typename}).
type ConnKey struct {
	Key  string
	What string // "items", "nextToken", "totalCount", "aggregate" or "__typename"
	// Typename is the connection type's name, for What == "__typename".
	Typename string
	// Aggregate is what an "aggregate" key computes, over the rows of the
	// connection's Select (its Where, its join; not its page).
	Aggregate *Aggregate
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
	// Authorized marks an update or delete whose Where holds the caller's
	// row predicate, so a row it does not match may be one the caller may
	// not change.
	Authorized bool
}

// Delete removes the row with Key, if Where also holds, and returns it as
// it was.
type Delete struct {
	Model  *schema.Model
	Key    pred.Expr
	Where  pred.Expr
	Return *Select
	// Authorized: see Update.
	Authorized bool
}
