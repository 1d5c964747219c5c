package cli

// Names and documents of the API end-to-end suite (api_e2e_test.go): Chinook names per engine,
// and documents laid out as client.models.* builds them.

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/testdb"
)

// ---------------------------------------------------------------------
// Names

// n maps a Chinook name as the PostgreSQL script spells it (album,
// album_id, playlist_tracks) to this engine's: the MySQL and SQLite
// scripts use PascalCase for tables and columns (Album, AlbumId), and the
// generated relationship names follow (PlaylistTracks).
func (a *chinookAPI) n(name string) string {
	if a.engine == testdb.Postgres {
		return name
	}
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		b.WriteString(schema.UpperFirst(part))
	}
	return b.String()
}

// logical is n's inverse, for the keys of response objects.
func (a *chinookAPI) logical(name string) string {
	if a.engine == testdb.Postgres {
		return name
	}
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// chinookKey is a model's primary key, partition key first.
func chinookKey(model string) []string {
	switch model {
	case "playlist_track":
		return []string{"playlist_id", "track_id"}
	case "reading":
		return []string{"sensor", "taken_at"}
	}
	return []string{model + "_id"}
}

// keyType is the GraphQL type of a key field, and the key condition
// input the client declares for it as a sort key (AWSDateTime's is
// String's).
func keyType(field string) (typ, condition string) {
	switch field {
	case "sensor":
		return "String", "ModelStringKeyConditionInput"
	case "taken_at":
		return "AWSDateTime", "ModelStringKeyConditionInput"
	}
	return "Int", "ModelIntKeyConditionInput"
}

// nameRef marks names in document templates: %album_id% is a field,
// %list:album% a root field, %U:album% the model name as type names
// embed it (ModelAlbumFilterInput).
var nameRef = regexp.MustCompile(`%(?:(get|list|create|update|delete|U):)?([a-z_]+)%`)

// doc expands a one-line document template and lays it out as the client
// sends it.
func (a *chinookAPI) doc(tmpl string) string {
	return printDoc(nameRef.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := nameRef.FindStringSubmatch(m)
		u := schema.UpperFirst(a.n(sub[2]))
		switch sub[1] {
		case "get", "create", "update", "delete":
			return sub[1] + u
		case "list":
			return "list" + schema.Plural(u)
		case "U":
			return u
		}
		return a.n(sub[2])
	}))
}

// vars translates the field names in variables (filters, inputs, keys);
// operators and argument names stay.
func (a *chinookAPI) vars(v any) any {
	switch x := v.(type) {
	case M:
		out := M{}
		for k, val := range x {
			if !isOperator(k) {
				k = a.n(k)
			}
			out[k] = a.vars(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = a.vars(val)
		}
		return out
	}
	return v
}

func isOperator(k string) bool {
	switch k {
	case "eq", "ne", "le", "lt", "ge", "gt", "contains", "notContains", "between", "beginsWith",
		"attributeExists", "attributeType", "size", "and", "or", "not", "in", "notIn",
		"input", "filter", "condition", "limit", "nextToken", "sortDirection":
		return true
	}
	return false
}

// neutral translates a response value back to PostgreSQL's names, so the
// engines' answers can be compared; numbers become float64 (1.00 and 1 are
// the same JSON value) and __typename loses its engine-specific casing.
func (a *chinookAPI) neutral(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			switch k {
			case "items":
				out[k] = a.neutral(val)
			case "nextToken":
				// Tokens are signed with each sandbox's own key.
				if val != nil {
					val = "(a token)"
				}
				out[k] = val
			case "__typename":
				s, _ := val.(string)
				out[k] = strings.ToLower(strings.ReplaceAll(s, "_", ""))
			default:
				out[a.logical(k)] = a.neutral(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = a.neutral(val)
		}
		return out
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	}
	return v
}

// ---------------------------------------------------------------------
// Documents, as client.models.* builds them (amplify-client-wire.md §4)

// listDoc is client.models.<model>.list()'s document. Chinook's keys are
// not named id, so it is the isCustomPrimaryKey form, with the key and
// sortDirection arguments.
func (a *chinookAPI) listDoc(model, selection string) string {
	keys := chinookKey(model)
	pk, _ := keyType(keys[0])
	defs := []string{"$%" + keys[0] + "%: " + pk, "$sortDirection: ModelSortDirection"}
	args := []string{"%" + keys[0] + "%: $%" + keys[0] + "%", "sortDirection: $sortDirection"}
	if len(keys) == 2 {
		_, cond := keyType(keys[1])
		defs = append(defs, "$%"+keys[1]+"%: "+cond)
		args = append(args, "%"+keys[1]+"%: $%"+keys[1]+"%")
	}
	defs = append(defs, "$filter: Model%U:"+model+"%FilterInput", "$limit: Int", "$nextToken: String")
	args = append(args, "filter: $filter", "limit: $limit", "nextToken: $nextToken")
	return a.doc("query (" + strings.Join(defs, ", ") + ") { %list:" + model + "%(" + strings.Join(args, ", ") +
		") { items { " + selection + " } nextToken __typename } }")
}

// getDoc is client.models.<model>.get()'s document.
func (a *chinookAPI) getDoc(model, selection string) string {
	var defs, args []string
	for _, k := range chinookKey(model) {
		typ, _ := keyType(k)
		defs = append(defs, "$%"+k+"%: "+typ+"!")
		args = append(args, "%"+k+"%: $%"+k+"%")
	}
	return a.doc("query (" + strings.Join(defs, ", ") + ") { %get:" + model + "%(" + strings.Join(args, ", ") +
		") { " + selection + " } }")
}

// mutationDoc is client.models.<model>.create/update/delete()'s document
// (op is "create", "update" or "delete"); with condition, the same with
// the $condition argument, as an app sends it through client.graphql.
func (a *chinookAPI) mutationDoc(op, model, selection string, condition bool) string {
	defs := "$input: " + schema.UpperFirst(op) + "%U:" + model + "%Input!"
	args := "input: $input"
	if condition {
		defs += ", $condition: Model%U:" + model + "%ConditionInput"
		args += ", condition: $condition"
	}
	return a.doc("mutation (" + defs + ") { %" + op + ":" + model + "%(" + args + ") { " + selection + " } }")
}

// printDoc lays out a one-line document as graphql-js print() does, which
// is what the client sends: two-space indentation, one field per line, a
// field's arguments one per line when they pass 80 characters, a trailing
// newline. It handles the documents of this file, not GraphQL at large.
func printDoc(compact string) string {
	var b []byte
	depth, nest := 0, 0 // selection depth; ( [ { nesting inside arguments
	newline := func() {
		b = append(b, '\n')
		b = append(b, strings.Repeat("  ", depth)...)
	}
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		switch {
		case nest > 0 || c == '(':
			switch c {
			case '(', '[', '{':
				nest++
			case ')', ']', '}':
				nest--
			}
			b = append(b, c)
		case c == '{':
			b = append(b, '{')
			depth++
			newline()
		case c == '}':
			depth--
			b = bytes.TrimRight(b, " \n")
			newline()
			b = append(b, '}')
		case c == ' ' && depth > 0:
			next := byte(0)
			if i+1 < len(compact) {
				next = compact[i+1]
			}
			switch {
			case next == '{' || b[len(b)-1] == ':':
				b = append(b, ' ')
			case next == '}' || b[len(b)-1] == ' ':
			default:
				newline()
			}
		default:
			b = append(b, c)
		}
	}
	lines := strings.Split(string(b), "\n")
	for i, line := range lines {
		if i == 0 {
			continue // the operation: print() never wraps variables
		}
		lines[i] = wrapArgs(line)
	}
	return strings.Join(lines, "\n") + "\n"
}

// wrapArgs puts a field's arguments one per line when the field with its
// arguments is longer than 80 characters (graphql-js MAX_LINE_LENGTH).
func wrapArgs(line string) string {
	open := strings.IndexByte(line, '(')
	if open < 0 {
		return line
	}
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	nest, end := 0, -1
	var args []string
	start := open + 1
	for i := open; i < len(line) && end < 0; i++ {
		switch line[i] {
		case '(', '[', '{':
			nest++
		case ')', ']', '}':
			nest--
			if nest == 0 {
				end = i
				args = append(args, strings.TrimSpace(line[start:i]))
			}
		case ',':
			if nest == 1 {
				args = append(args, strings.TrimSpace(line[start:i]))
				start = i + 1
			}
		}
	}
	if end < 0 || len(line[len(indent):end+1]) <= 80 {
		return line
	}
	inner := indent + "  "
	return line[:open] + "(\n" + inner + strings.Join(args, "\n"+inner) + "\n" + indent + ")" + line[end+1:]
}
