package pred

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Row gives a column's value for Eval: the JSON value the API returns for
// it (string, json.Number or float64, bool, nil, or []any for lists), and
// whether the row has the column at all.
type Row func(column string) (any, bool)

// Eval reports whether e holds for row, with the meaning sqlgen gives e in
// SQL: a comparison with a missing value (NULL) is false, except ne and
// notContains, which keep such rows as AppSync's filters do; Exists tests
// for it. Realtime uses it to match events against subscription filters
// and authorization predicates without asking the database again.
func Eval(e Expr, row Row) bool {
	switch x := e.(type) {
	case nil:
		return true
	case Const:
		return bool(x)
	case And:
		for _, y := range x {
			if !Eval(y, row) {
				return false
			}
		}
		return true
	case Or:
		for _, y := range x {
			if Eval(y, row) {
				return true
			}
		}
		return false
	case Not:
		return !Eval(x.X, row)
	case Cmp:
		v, _ := row(x.Column)
		return evalCmp(x, v)
	}
	return false
}

func evalCmp(c Cmp, v any) bool {
	if c.Op == Exists {
		want, _ := c.Value.(bool)
		return (v != nil) == want
	}
	if c.Size {
		s, ok := v.(string)
		if !ok {
			return false
		}
		v = json.Number(strconv.Itoa(utf8.RuneCountInString(s)))
	}
	switch c.Op {
	case Eq, Ne, Lt, Le, Gt, Ge:
		if c.Value == nil {
			switch c.Op {
			case Eq:
				return v == nil
			case Ne:
				return v != nil
			}
			return false
		}
		if v == nil {
			return c.Op == Ne
		}
		n, ok := compare(v, c.Value)
		if !ok {
			return c.Op == Ne
		}
		switch c.Op {
		case Eq:
			return n == 0
		case Ne:
			return n != 0
		case Lt:
			return n < 0
		case Le:
			return n <= 0
		case Gt:
			return n > 0
		}
		return n >= 0
	case Between:
		if v == nil || len(c.Values) != 2 {
			return false
		}
		lo, ok1 := compare(v, c.Values[0])
		hi, ok2 := compare(v, c.Values[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case BeginsWith:
		s, ok := text(v)
		return ok && strings.HasPrefix(s, fmt.Sprint(c.Value))
	case Contains, NotContains:
		has := false
		if v != nil {
			list, isList := v.([]any)
			if c.List && !isList {
				// A list column holds a list: anything else matches
				// nothing, never a substring.
				return c.Op == NotContains
			}
			if isList {
				for _, e := range list {
					if n, ok := compare(e, c.Value); ok && n == 0 {
						has = true
						break
					}
				}
			} else if s, ok := text(v); ok {
				has = strings.Contains(s, fmt.Sprint(c.Value))
			}
		}
		if c.Op == NotContains {
			return !has
		}
		return has
	case In, NotIn:
		in := false
		if v != nil {
			for _, w := range c.Values {
				if n, ok := compare(v, w); ok && n == 0 {
					in = true
					break
				}
			}
		}
		if c.Op == NotIn {
			// As in SQL, where an empty NOT IN list is TRUE even for NULL.
			return len(c.Values) == 0 || v != nil && !in
		}
		return in
	}
	return false
}

// text is a value as the text a string comparison sees.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// compare orders a row value and a bound value: numbers by value, text by
// bytes (as the API's filters compare on every engine), booleans false <
// true, and an AWSDateTime bound value as the text the API returns.
func compare(v, w any) (int, bool) {
	if t, ok := w.(time.Time); ok {
		w = t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	switch x := v.(type) {
	case json.Number, float64, int64, int:
		// Integers compare exactly: 64-bit keys exceed a float's 2^53.
		if n, ok := x.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				if j, ok := w.(int64); ok {
					return cmp.Compare(i, j), true
				}
			}
		}
		a, ok1 := number(x)
		b, ok2 := number(w)
		if !ok1 || !ok2 {
			return 0, false
		}
		return cmp.Compare(a, b), true
	case string:
		s, ok := w.(string)
		if !ok {
			// 64-bit integers beyond 2^53 travel as strings of digits.
			if b, ok := number(w); ok {
				if a, err := strconv.ParseFloat(x, 64); err == nil {
					return cmp.Compare(a, b), true
				}
			}
			return 0, false
		}
		return strings.Compare(x, s), true
	case bool:
		b, ok := w.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case x == b:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsInf(f, 0)
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}
