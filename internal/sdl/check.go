package sdl

import (
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
)

// check runs the checks that need every name final: relationships and the
// fields auth rules read.
func (m *merger) check() {
	m.managedOwnerFields()
	m.checkIndexes()
	for _, site := range m.rels {
		m.checkRelationship(site)
	}
	for _, site := range m.ruleSites {
		if site.model != nil {
			m.checkRuleFields(site, site.model, "")
			continue
		}
		// Global rules apply to every model without rules of its own.
		for _, mo := range m.s.Models {
			if len(mo.Auth) == 0 {
				m.checkRuleFields(site, mo, " (a global rule, which applies because "+mo.Name+" has no rules of its own)")
			}
		}
	}
}

// checkRelationship checks that a relationship's references are fields
// of the child model (the one holding the foreign key) that pair up, in
// number and type, with the parent's primary key.
func (m *merger) checkRelationship(site relSite) {
	owner, r, pos := site.model, site.rel, site.pos
	what := r.Kind + " " + r.Name + " of " + owner.Name
	target := m.model(r.Target)
	if target == nil {
		m.c.add(pos, suggest(r.Target, m.modelNames()), "%s: there is no model %s", what, r.Target)
		return
	}
	child, parent := owner, target
	if r.Kind != schema.BelongsTo {
		child, parent = target, owner
	}
	ok := true
	for _, ref := range r.References {
		if child.Field(ref) != nil {
			continue
		}
		hint := "references name fields of " + child.Name + ", the model that holds the foreign key"
		if child.Relationship(ref) != nil {
			hint = ref + " is a relationship; references name the columns that hold the key"
		} else if s := suggest(ref, memberNames(child)); s != "" {
			hint = s
		}
		m.c.add(pos, hint, "%s: references names %s, which is not a field of %s", what, ref, child.Name)
		ok = false
	}
	if len(r.References) != len(parent.PrimaryKey) {
		m.c.add(pos, "references pair up with the key fields of "+parent.Name+" in key order: "+strings.Join(parent.PrimaryKey, ", "),
			"%s: %d reference(s), but the primary key of %s has %d field(s)", what, len(r.References), parent.Name, len(parent.PrimaryKey))
		return
	}
	if !ok {
		return
	}
	for i, ref := range r.References {
		f, k := child.Field(ref), parent.Field(parent.PrimaryKey[i])
		if k == nil {
			continue // a broken key is reported where the key is declared
		}
		if f.Type != k.Type || f.IsList != k.IsList {
			m.c.add(pos, "references pair up with the key fields of "+parent.Name+" in key order: "+strings.Join(parent.PrimaryKey, ", "),
				"%s: reference %s is %s, but key field %s of %s is %s", what, ref, typeName(f), k.Name, parent.Name, typeName(k))
		}
	}
}

func typeName(f *schema.Field) string {
	if f.IsList {
		return "[" + f.Type + "]"
	}
	return f.Type
}

// checkRuleFields checks that the fields owner and groups rules read
// exist in mo (as the reference requires for SQL models: "Field owner
// isn't defined.") and hold user or group names; a field written by its
// old name is resolved to the new one.
func (m *merger) checkRuleFields(site ruleSite, mo *schema.Model, note string) {
	for i := range site.rules {
		r := &site.rules[i]
		check := func(name *string, fallback, kind string) {
			n := *name
			if n == "" {
				n = fallback
			}
			if n == "" {
				return
			}
			// A global rule is shared by every model, so it cannot be
			// rewritten to one model's new field name: it must use it.
			f := mo.Field(n)
			if site.model != nil {
				f, _ = m.member(mo, n)
			}
			if f == nil {
				hint := kind + " rules read an existing column of the model; name it with " + kind + "Field: \"...\""
				if kind == "groups" {
					hint = "groupsField names an existing column of the model"
				}
				if s := suggest(n, memberNames(mo)); s != "" {
					hint = s
				}
				m.c.add(site.pos[i], hint, "%s rule: field %s isn't defined in model %s%s", kind, n, mo.Name, note)
				return
			}
			if f.Type != schema.String && f.Type != schema.ID {
				m.c.add(site.pos[i], "it holds user or group names: String or ID, or a list of them",
					"%s rule: field %s of %s is %s", kind, n, mo.Name, typeName(f))
			}
			if *name != "" {
				*name = f.Name
			}
		}
		switch r.Allow {
		case "owner":
			check(&r.OwnerField, "owner", "owner")
		case "groups":
			check(&r.GroupsField, "", "groups")
		}
	}
}

// managedOwnerFields gives each managed model the owner field of every
// owner rule that governs it, wherever the rule is written (the model's
// declaration or extension, its fields, or the global rules), as the
// reference adds owner fields to the models it manages.
func (m *merger) managedOwnerFields() {
	for _, mo := range m.s.Models {
		if !mo.Managed {
			continue
		}
		rules := mo.Auth
		if len(rules) == 0 {
			rules = m.s.Auth
		}
		for _, f := range mo.Fields {
			rules = append(append([]schema.AuthRule{}, rules...), f.Auth...)
		}
		addOwnerFields(mo, rules)
	}
}
