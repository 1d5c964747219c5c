package pipeline

import (
	"bytes"

	"github.com/quarrydata/quarry/internal/plan"
)

// splitRow is takeRow without a JSON decoder, which cost more CPU than
// the rest of a small mutation's response: it walks the members of the
// object the database wrote, copying each value's bytes whole. ok is
// false for what it does not expect (a key that is not a plain name,
// JSON it cannot follow); takeRow's decoder reads those.
func splitRow(val []byte) (out, row []byte, ok bool) {
	i := skipSpace(val, 0)
	if i >= len(val) || val[i] != '{' {
		return nil, nil, false
	}
	rowPrefix := []byte(plan.RowKey("")) // short: on the stack
	out = append(make([]byte, 0, len(val)+2), '{')
	row = append(make([]byte, 0, len(val)+2), '{')
	i = skipSpace(val, i+1)
	if i < len(val) && val[i] == '}' {
		return append(out, '}'), append(row, '}'), skipSpace(val, i+1) == len(val)
	}
	for {
		if i >= len(val) || val[i] != '"' {
			return nil, nil, false
		}
		j := i + 1
		for j < len(val) && plainKeyByte(val[j]) {
			j++
		}
		if j >= len(val) || val[j] != '"' {
			return nil, nil, false
		}
		key := val[i+1 : j]
		i = skipSpace(val, j+1)
		if i >= len(val) || val[i] != ':' {
			return nil, nil, false
		}
		i = skipSpace(val, i+1)
		end := skipValue(val, i)
		if end < 0 {
			return nil, nil, false
		}
		if name, isRow := bytes.CutPrefix(key, rowPrefix); isRow {
			row = member(row, name, val[i:end])
		} else {
			out = member(out, key, val[i:end])
		}
		i = skipSpace(val, end)
		if i >= len(val) {
			return nil, nil, false
		}
		switch val[i] {
		case ',':
			i = skipSpace(val, i+1)
			continue
		case '}':
			if skipSpace(val, i+1) != len(val) {
				return nil, nil, false
			}
			return append(out, '}'), append(row, '}'), true
		}
		return nil, nil, false
	}
}

// plainKeyByte reports whether b may appear in a key copied as it is:
// GraphQL names and the hidden row keys' colons need no escaping.
func plainKeyByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == ':'
}

func member(dst, key, v []byte) []byte {
	if len(dst) > 1 {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	dst = append(dst, '"', ':')
	return append(dst, v...)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i], or -1.
// Strings are followed through their escapes; objects and arrays by
// their depth; a scalar runs to the next delimiter.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				if i = skipString(b, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	start := i
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\t' && b[i] != '\r' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// skipString returns the end of the string starting at b[i] (a quote),
// or -1.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
