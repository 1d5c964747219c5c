package sdl

import "strings"

// Placeholder is a :name parameter in a custom operation's SQL.
type Placeholder struct {
	Name   string
	Offset int // byte offset of the ':'; the placeholder ends at Offset+1+len(Name)
}

// Placeholders finds the :name parameters of a statement. A colon is not a
// placeholder inside string literals, quoted identifiers and comments, nor
// in PostgreSQL's x::type casts. engine picks the quoting rules: MySQL
// escapes with backslashes and has # comments; PostgreSQL has E'...'
// escape strings and $tag$...$tag$ strings (assumed too when the engine is
// unknown, as for a schema that is only transform() output).
//
// The planner binds parameters by the same rules (plan.Builder cuts the
// statement at the placeholders found here); this is the one place they are
// written down, so what the schema check accepts is what runs.
func Placeholders(sql, engine string) []Placeholder {
	mysql := engine == "mysql"
	pg := engine == "postgresql" || engine == ""
	var out []Placeholder
	n := len(sql)
	for i := 0; i < n; {
		c := sql[i]
		switch {
		case c == '\'':
			// E'...' (PostgreSQL) and every MySQL string take backslash escapes.
			esc := mysql || (pg && i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isNameByte(sql[i-2])))
			i = skipQuoted(sql, i, '\'', esc)
		case c == '"':
			i = skipQuoted(sql, i, '"', mysql)
		case c == '`':
			i = skipQuoted(sql, i, '`', false)
		case c == '-' && i+1 < n && sql[i+1] == '-', mysql && c == '#':
			i = skipLine(sql, i)
		case c == '/' && i+1 < n && sql[i+1] == '*':
			if end := strings.Index(sql[i+2:], "*/"); end >= 0 {
				i += 2 + end + 2
			} else {
				i = n
			}
		case pg && c == '$' && (i == 0 || !isNameByte(sql[i-1])):
			i = skipDollar(sql, i)
		case c == ':' && i+1 < n && sql[i+1] == ':':
			i += 2 // a cast, x::text
		case c == ':' && i+1 < n && isNameStart(sql[i+1]):
			j := i + 1
			for j < n && isNameByte(sql[j]) {
				j++
			}
			out = append(out, Placeholder{Name: sql[i+1 : j], Offset: i})
			i = j
		default:
			i++
		}
	}
	return out
}

// skipQuoted returns the index after the literal that opens at i with
// quote q; a doubled quote is an escaped quote, and so is a backslash
// escape when esc is set. An unterminated literal runs to the end.
func skipQuoted(s string, i int, q byte, esc bool) int {
	for j := i + 1; j < len(s); j++ {
		switch {
		case esc && s[j] == '\\':
			j++
		case s[j] == q && j+1 < len(s) && s[j+1] == q:
			j++
		case s[j] == q:
			return j + 1
		}
	}
	return len(s)
}

func skipLine(s string, i int) int {
	if end := strings.IndexByte(s[i:], '\n'); end >= 0 {
		return i + end + 1
	}
	return len(s)
}

// skipDollar skips a PostgreSQL dollar-quoted string ($$...$$ or
// $tag$...$tag$); a '$' that does not open one ($1) is skipped alone.
func skipDollar(s string, i int) int {
	j := i + 1
	for j < len(s) && isNameByte(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '$' || (j > i+1 && s[i+1] >= '0' && s[i+1] <= '9') {
		return i + 1
	}
	tag := s[i : j+1]
	if end := strings.Index(s[j+1:], tag); end >= 0 {
		return j + 1 + end + len(tag)
	}
	return len(s)
}

func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isNameByte(c byte) bool { return isNameStart(c) || (c >= '0' && c <= '9') }
