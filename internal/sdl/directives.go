package sdl

import (
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// The directives Quarry reads: the Amplify dialect, plus @rename for the
// customisation file (the TypeScript builder's renameModels and, beyond
// the reference, field renames).
const (
	dirDatabase   = "database"
	dirModel      = "model"
	dirAuth       = "auth"
	dirRefersTo   = "refersTo"
	dirPrimaryKey = "primaryKey"
	dirDefault    = "default"
	dirRename     = "rename"
	dirSQL        = "sql"
	dirSubscribe  = "aws_subscribe"
	dirBelongsTo  = schema.BelongsTo
	dirHasOne     = schema.HasOne
	dirHasMany    = schema.HasMany
)

func isKnownDirective(name string) bool {
	switch name {
	case dirDatabase, dirModel, dirAuth, dirAuthModes, dirSubscribe, dirRefersTo, dirPrimaryKey, dirDefault, dirRename, dirSQL,
		dirBelongsTo, dirHasOne, dirHasMany, dirIndex:
		return true
	}
	return isNativeAuth(name)
}

// isNativeAuth reports AppSync's own auth directives. transform() derives
// them from @auth rules and writes them on custom types and operations;
// Quarry derives its behaviour from the rules too, so it skips them there.
func isNativeAuth(name string) bool {
	switch name {
	case "aws_api_key", "aws_iam", "aws_cognito_user_pools", "aws_oidc", "aws_lambda", "aws_auth":
		return true
	}
	return false
}

// unsupported explains directives of the reference that Quarry knows but
// does not serve, so the user gets a reason rather than "unknown".
func unsupported(name string) (msg, hint string) {
	switch name {
	case "function":
		return "@function handlers (Lambda) are not supported", "Quarry runs SQL handlers: @sql(statement: ...) or @sql(reference: ...)"
	case "validate":
		return "@validate is not supported yet", "enforce the rule in the database with a CHECK constraint"
	case "hasManyThrough", "manyToMany":
		return "@" + name + " is not supported", "declare the join table's relationships: a hasMany to it from each side and belongsTo from it"
	}
	return "", ""
}

// directives indexes ds by name, reporting any that are not allowed on
// what the caller reads (described by where, e.g. "field title of album")
// and any given twice. native says whether AppSync's native auth
// directives are skipped here.
func (c *collector) directives(ds ast.DirectiveList, where string, native bool, allowed ...string) map[string]*ast.Directive {
	out := map[string]*ast.Directive{}
	for _, d := range ds {
		if native && isNativeAuth(d.Name) {
			continue
		}
		if !slices.Contains(allowed, d.Name) {
			if msg, hint := unsupported(d.Name); msg != "" {
				c.add(d.Position, hint, "%s", msg)
				continue
			}
			verb := "unknown directive"
			if isKnownDirective(d.Name) {
				verb = "directive not allowed here:"
			}
			hint := "allowed here: " + atList(allowed)
			if len(allowed) == 0 {
				hint = "no directives are allowed here"
			}
			c.add(d.Position, hint, "%s @%s on %s", verb, d.Name, where)
			continue
		}
		if first, dup := out[d.Name]; dup {
			c.add(d.Position, "first given at "+posOf(first), "@%s is given twice on %s", d.Name, where)
			continue
		}
		out[d.Name] = d
	}
	return out
}

func atList(names []string) string {
	at := make([]string, len(names))
	for i, n := range names {
		at[i] = "@" + n
	}
	return strings.Join(at, ", ")
}

func posOf(d *ast.Directive) string { return loc(d.Position) }

// args indexes d's arguments by name, reporting unknown and repeated ones.
func (c *collector) args(d *ast.Directive, known ...string) map[string]*ast.Value {
	out := map[string]*ast.Value{}
	for _, a := range d.Arguments {
		if !slices.Contains(known, a.Name) {
			hint := "@" + d.Name + " takes no arguments"
			if len(known) > 0 {
				hint = "@" + d.Name + " takes " + strings.Join(known, ", ")
			}
			if s := suggest(a.Name, known); s != "" {
				hint = s
			}
			c.add(a.Position, hint, "unknown argument %s of @%s", a.Name, d.Name)
			continue
		}
		if _, dup := out[a.Name]; dup {
			c.add(a.Position, "", "argument %s of @%s is given twice", a.Name, d.Name)
			continue
		}
		out[a.Name] = a.Value
	}
	return out
}

// str reads a string value; what names it in the error ("@refersTo(name:)").
func (c *collector) str(v *ast.Value, what string) (string, bool) {
	if v == nil || (v.Kind != ast.StringValue && v.Kind != ast.BlockValue) {
		c.add(valuePos(v), "write it in double quotes", "%s must be a string, not %s", what, v.String())
		return "", false
	}
	return v.Raw, true
}

// strList reads a list of strings. A single string is taken as a list of
// one, as GraphQL's input coercion does.
func (c *collector) strList(v *ast.Value, what string) ([]string, bool) {
	if v != nil && (v.Kind == ast.StringValue || v.Kind == ast.BlockValue) {
		return []string{v.Raw}, true
	}
	if v == nil || v.Kind != ast.ListValue {
		c.add(valuePos(v), `write ["a", "b"]`, "%s must be a list of strings, not %s", what, v.String())
		return nil, false
	}
	out := make([]string, 0, len(v.Children))
	ok := true
	for _, ch := range v.Children {
		s, good := c.str(ch.Value, what)
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}

// name reads an enum-like value (allow: public), also accepting a string.
func (c *collector) name(v *ast.Value, what string) (string, bool) {
	if v == nil || (v.Kind != ast.EnumValue && v.Kind != ast.StringValue) {
		c.add(valuePos(v), "", "%s must be a name, not %s", what, v.String())
		return "", false
	}
	return v.Raw, true
}

func valuePos(v *ast.Value) *ast.Position {
	if v == nil {
		return nil
	}
	return v.Position
}
