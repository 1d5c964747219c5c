// Package pred holds predicate trees over a model's columns: list filters,
// mutation conditions and (later) authorization rules and subscription
// filters. sqlgen renders them to SQL with bound values; the realtime
// server will evaluate the same trees in Go, so a filter means the same
// thing in both places.
package pred

// Expr is a boolean predicate.
type Expr interface{ isExpr() }

// And is true when every element is; an empty And is true.
type And []Expr

// Or is true when any element is; an empty Or is false.
type Or []Expr

// Not negates X.
type Not struct{ X Expr }

// Op is a comparison operator, named as in AppSync's filter inputs.
type Op string

// Operators. Size compares the length of a string column instead of the
// column; Exists tests for NULL (AppSync's attributeExists).
const (
	Eq          Op = "eq"
	Ne          Op = "ne"
	Lt          Op = "lt"
	Le          Op = "le"
	Gt          Op = "gt"
	Ge          Op = "ge"
	Between     Op = "between"
	BeginsWith  Op = "beginsWith"
	Contains    Op = "contains"
	NotContains Op = "notContains"
	In          Op = "in"
	NotIn       Op = "notIn"
	Exists      Op = "attributeExists"
)

// Cmp compares one column with bound values.
type Cmp struct {
	Column string // the column's name in the database (from the IR)
	Op     Op
	// Size compares the column's length (AppSync's size: {...}).
	Size bool
	// Value is the operand; Values hold two for Between and any number
	// for In and NotIn. For Exists, Value is a bool.
	Value  any
	Values []any
	// List marks array columns, where Contains tests membership.
	List bool
}

// Const is a predicate with a fixed truth value (an impossible or empty
// filter).
type Const bool

func (And) isExpr()   {}
func (Or) isExpr()    {}
func (Not) isExpr()   {}
func (Cmp) isExpr()   {}
func (Const) isExpr() {}

// Conj joins predicates with AND, dropping nils and true constants.
func Conj(list ...Expr) Expr {
	var out And
	for _, e := range list {
		switch x := e.(type) {
		case nil:
		case Const:
			if !x {
				return x
			}
		case And:
			out = append(out, x...)
		default:
			out = append(out, e)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}
