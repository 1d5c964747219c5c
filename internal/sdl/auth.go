package sdl

import (
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// ruleLevel says where an @auth directive sits; it decides which rule
// kinds make sense.
type ruleLevel int

const (
	levelGlobal ruleLevel = iota
	levelModel
	levelField
	levelOperation
)

// providers lists the providers each rule kind accepts, as the reference's
// rule builders allow them (reference §7.1); the first is the default.
func providers(allow string) []string {
	switch allow {
	case "public":
		return []string{"apiKey", "identityPool"}
	case "private":
		return []string{"userPools", "oidc", "identityPool"}
	case "owner", "groups":
		return []string{"userPools", "oidc"}
	case "custom":
		return []string{"function"}
	}
	return nil
}

// The lists below are functions, not variables, so that no caller can
// change them for everyone.

func ruleKinds() []string { return []string{"public", "private", "owner", "groups", "custom"} }

// ruleOperations are the names a rule's operations list may hold.
func ruleOperations() []string {
	return []string{"create", "update", "delete", "read", "get", "list", "listen", "sync", "search"}
}

// ruleKeyKinds lists the rule kinds a key of a rule object applies to.
func ruleKeyKinds(key string) []string {
	switch key {
	case "allow", "provider", "operations":
		return ruleKinds()
	case "ownerField", "identityClaim":
		return []string{"owner"}
	case "groups", "groupsField", "groupClaim":
		return []string{"groups"}
	}
	return nil
}

func ruleKeys() []string {
	return []string{"allow", "provider", "operations", "ownerField", "identityClaim", "groups", "groupsField", "groupClaim"}
}

// rules reads @auth(rules: [...]). It checks everything a rule says on its
// own; whether ownerField and groupsField name fields of the model is
// checked once renames are known (see merger.checkRuleFields). It returns
// the valid rules and where each is written.
func (c *collector) rules(d *ast.Directive, level ruleLevel) ([]schema.AuthRule, []*ast.Position) {
	a := c.args(d, "rules")
	v := a["rules"]
	if v == nil {
		c.add(d.Position, "write @auth(rules: [{allow: public}])", "@auth needs rules")
		return nil, nil
	}
	items := []*ast.Value{v}
	if v.Kind == ast.ListValue {
		items = items[:0]
		for _, ch := range v.Children {
			items = append(items, ch.Value)
		}
	}
	if len(items) == 0 {
		c.add(v.Position, "leave @auth out to use the rules of the level above", "@auth has an empty rule list, which would deny every caller")
	}
	var out []schema.AuthRule
	var pos []*ast.Position
	for _, item := range items {
		if r, ok := c.rule(item, level); ok {
			out = append(out, r)
			pos = append(pos, item.Position)
		}
	}
	return out, pos
}

func (c *collector) rule(v *ast.Value, level ruleLevel) (schema.AuthRule, bool) {
	var r schema.AuthRule
	if v.Kind != ast.ObjectValue {
		c.add(v.Position, "write {allow: public, provider: apiKey}", "an auth rule must be an object, not %s", v.String())
		return r, false
	}
	ok := true
	fail := func(pos *ast.Position, hint, format string, args ...any) {
		c.add(pos, hint, format, args...)
		ok = false
	}
	vals := map[string]*ast.ChildValue{}
	for _, ch := range v.Children {
		if !slices.Contains(ruleKeys(), ch.Name) {
			hint := "a rule takes " + strings.Join(ruleKeys(), ", ")
			if s := suggest(ch.Name, ruleKeys()); s != "" {
				hint = s
			}
			fail(ch.Position, hint, "unknown key %s in auth rule", ch.Name)
			continue
		}
		if _, dup := vals[ch.Name]; dup {
			fail(ch.Position, "", "key %s is given twice in auth rule", ch.Name)
			continue
		}
		vals[ch.Name] = ch
	}
	allow := vals["allow"]
	if allow == nil {
		c.add(v.Position, "allow is one of "+strings.Join(ruleKinds(), ", "), "auth rule %s has no allow", v.String())
		return r, false
	}
	r.Allow, _ = c.name(allow.Value, "allow")
	if !slices.Contains(ruleKinds(), r.Allow) {
		if r.Allow != "" {
			fail(allow.Value.Position, "allow is one of "+strings.Join(ruleKinds(), ", "), "unknown rule kind allow: %s", r.Allow)
		}
		return r, false
	}
	for key, ch := range vals {
		if !slices.Contains(ruleKeyKinds(key), r.Allow) {
			fail(ch.Position, "it applies to allow: "+strings.Join(ruleKeyKinds(key), ", "), "%s does not apply to allow: %s", key, r.Allow)
		}
	}
	if ch := vals["provider"]; ch != nil {
		p, good := c.name(ch.Value, "provider")
		switch {
		case !good:
			ok = false
		case !slices.Contains(providers(r.Allow), p):
			fail(ch.Value.Position, "allow: "+r.Allow+" takes provider "+strings.Join(providers(r.Allow), " or "),
				"provider %s does not apply to allow: %s", p, r.Allow)
		default:
			r.Provider = p
		}
	}
	if ch := vals["operations"]; ch != nil {
		r.Operations, ok = c.operations(ch.Value, ok)
	}
	for key, dst := range map[string]*string{"ownerField": &r.OwnerField, "identityClaim": &r.IdentityClaim,
		"groupsField": &r.GroupsField, "groupClaim": &r.GroupClaim} {
		if ch := vals[key]; ch != nil {
			s, good := c.str(ch.Value, key)
			if good && s == "" {
				fail(ch.Value.Position, "leave it out for the default", "%s is empty", key)
			}
			*dst, ok = s, ok && good
		}
	}
	if ch := vals["groups"]; ch != nil {
		g, good := c.strList(ch.Value, "groups")
		ok = ok && good
		for _, name := range g {
			if name == "" {
				fail(ch.Value.Position, "", "groups holds an empty group name")
			}
		}
		r.Groups = g
	}
	if r.Allow == "groups" && len(r.Groups) == 0 && r.GroupsField == "" {
		fail(v.Position, `write groups: ["Admin"] (static groups) or groupsField: "..." (groups read from a field)`,
			"allow: groups needs groups or groupsField")
	}
	if level == levelOperation {
		// A custom operation has no row to read an owner or a group list from.
		if r.Allow == "owner" || r.GroupsField != "" {
			fail(v.Position, "custom operations take public, private, static groups or custom rules",
				"%s rules need a model row and cannot authorise a custom operation", ruleWord(r))
		}
		if r.Operations != nil {
			fail(vals["operations"].Position, "leave operations out: the rule covers the custom operation", "operations does not apply to a custom operation's rules")
		}
	}
	return r, ok
}

func ruleWord(r schema.AuthRule) string {
	if r.Allow == "owner" {
		return "owner"
	}
	return "groupsField"
}

// operations reads a rule's operations list: enum values, as transform()
// writes them, or strings.
func (c *collector) operations(v *ast.Value, ok bool) ([]string, bool) {
	items := []*ast.Value{v}
	if v.Kind == ast.ListValue {
		items = items[:0]
		for _, ch := range v.Children {
			items = append(items, ch.Value)
		}
	}
	if len(items) == 0 {
		c.add(v.Position, "leave the rule out instead", "operations is empty, so the rule allows nothing")
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		op, good := c.name(item, "operations")
		if !good {
			ok = false
			continue
		}
		if !slices.Contains(ruleOperations(), op) {
			hint := "operations are " + strings.Join(ruleOperations(), ", ")
			if s := suggest(op, ruleOperations()); s != "" {
				hint = s
			}
			c.add(item.Position, hint, "unknown operation %s in auth rule", op)
			ok = false
			continue
		}
		out = append(out, op)
	}
	return out, ok
}
