package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// Enum is an enum type. Values are its GraphQL value names, in the
// database's declared order. Stored, when not nil, holds in Stored[i] the
// text the database stores for Values[i]: a database value that is not a
// GraphQL name (PG-13, so-so, 1st) is served under a sanitised name
// (EnumNames), and every value crossing the API is mapped between the two.
// Stored is nil when every value is stored as its name.
type Enum struct {
	Name   string
	Values []string
	Stored []string
}

// StoredText is the text the database holds for the GraphQL value name,
// and whether name is a value of e.
func (e *Enum) StoredText(name string) (string, bool) {
	for i, v := range e.Values {
		if v == name {
			if e.Stored != nil {
				return e.Stored[i], true
			}
			return v, true
		}
	}
	return "", false
}

// APIName is the GraphQL value name of a value stored as text, and whether
// the text is one of e's stored values.
func (e *Enum) APIName(stored string) (string, bool) {
	if e.Stored == nil {
		for _, v := range e.Values {
			if v == stored {
				return v, true
			}
		}
		return "", false
	}
	for i, s := range e.Stored {
		if s == stored {
			return e.Values[i], true
		}
	}
	return "", false
}

// Renamed lists the values whose GraphQL name differs from their stored
// text, as pairs {name, stored}; it is empty for most enums, which then
// cost nothing on the way in or out.
func (e *Enum) Renamed() [][2]string {
	if e == nil || e.Stored == nil {
		return nil
	}
	var out [][2]string
	for i, v := range e.Values {
		if e.Stored[i] != v {
			out = append(out, [2]string{v, e.Stored[i]})
		}
	}
	return out
}

// reservedEnumNames are names GraphQL forbids as enum values.
var reservedEnumNames = map[string]bool{"true": true, "false": true, "null": true}

// SanitizeEnumValue turns a stored enum value into a GraphQL enum value
// name: each character outside [A-Za-z0-9_] becomes "_" (one each, so
// that "a-b" and "a--b" stay apart), a leading digit gets a "_" prefix,
// a name GraphQL reserves (true, false, null, or one starting with "__")
// gets a "_" suffix or a "v" prefix, and the empty string is EMPTY. A
// value that is already a name comes back unchanged. Collisions between
// values are EnumNames's business.
func SanitizeEnumValue(v string) string {
	if v == "" {
		return "EMPTY"
	}
	var b strings.Builder
	for _, r := range v {
		if isASCIILetter(r) || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	switch {
	case s[0] >= '0' && s[0] <= '9':
		s = "_" + s
	case strings.HasPrefix(s, "__"):
		// GraphQL reserves names starting with "__" for introspection.
		s = "v" + s
	case reservedEnumNames[s]:
		s += "_"
	}
	return s
}

// EnumNames gives each of the database's enum values, in declared order,
// its GraphQL name: SanitizeEnumValue's, made unique. A value that is
// already a valid name keeps it; the others take theirs in declared
// order, and one whose name is taken gets _2, _3, ... appended (a-b and
// a_b: a_b stays, a-b becomes a_b_2). notes describes each value that
// was renamed because of a collision or a reserved word, for the user.
func EnumNames(stored []string) (names, notes []string) {
	names = make([]string, len(stored))
	taken := map[string]bool{}
	for i, v := range stored {
		if SanitizeEnumValue(v) == v && !taken[v] {
			names[i] = v
			taken[v] = true
		}
	}
	for i, v := range stored {
		if names[i] != "" {
			continue
		}
		base := SanitizeEnumValue(v)
		name := base
		for n := 2; taken[name]; n++ {
			name = base + "_" + strconv.Itoa(n)
		}
		taken[name] = true
		names[i] = name
		switch {
		case name != base:
			notes = append(notes, fmt.Sprintf("enum value %q is served as %s, since %s is taken by another value", v, name, base))
		case IsGraphQLName(v) && name != v:
			notes = append(notes, fmt.Sprintf("enum value %q is served as %s, since GraphQL reserves %s", v, name, v))
		}
	}
	return names, notes
}

// newEnum builds the enum for a column's stored values: names from
// EnumNames, and Stored only when a name differs from its value.
func newEnum(name string, stored []string) (*Enum, []string) {
	names, notes := EnumNames(stored)
	e := &Enum{Name: name, Values: names}
	for i := range names {
		if names[i] != stored[i] {
			e.Stored = append([]string(nil), stored...)
			break
		}
	}
	return e, notes
}
