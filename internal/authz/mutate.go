package authz

import (
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// Create authorizes a create of m with input (field name → GraphQL value)
// and fills, in input, each owner field the caller left out with the
// caller's owner value, as the reference's mutationAuth does. It reports
// false when no rule allows the row as it would be stored, in which case
// nothing must be written.
func (p *Policy) Create(m *schema.Model, id auth.Identity, input map[string]any) bool {
	rules := p.ModelRules(m)
	// Owner fields of field-level owner rules are filled too, so a row
	// the caller creates is one its own rules let it read.
	fill := append([]schema.AuthRule{}, rules...)
	for _, f := range m.Fields {
		fill = append(fill, f.Auth...)
	}
	for _, r := range fill {
		if r.Allow != allowOwner || !covers(r, Create) || !applies(r, id) {
			continue
		}
		f := ruleField(m, r)
		if f == nil || input[f.Name] != nil {
			continue
		}
		if v := id.OwnerValue(r.IdentityClaim); v != "" {
			if f.IsList {
				input[f.Name] = []any{v}
			} else {
				input[f.Name] = v
			}
		}
	}
	if !inputAllowed(m, rules, id, Create, input) {
		return false
	}
	for name := range input {
		if f := m.Field(name); f != nil && len(f.Auth) > 0 && !inputAllowed(m, f.Auth, id, Create, input) {
			return false
		}
	}
	return true
}

// inputAllowed evaluates rules against a row that does not exist yet.
func inputAllowed(m *schema.Model, rules []schema.AuthRule, id auth.Identity, op Op, input map[string]any) bool {
	for _, r := range rules {
		if !covers(r, op) || !applies(r, id) {
			continue
		}
		if isStatic(r) {
			if staticAllows(r, id) {
				return true
			}
			continue
		}
		if f := ruleField(m, r); f != nil && valueNames(input[f.Name], callerValues(r, id)) {
			return true
		}
	}
	return false
}

// valueNames reports whether a stored or given value of a rule's field (a
// string, or a list of them) holds one of the caller's values.
func valueNames(v any, caller []string) bool {
	match := func(s string) bool {
		for _, c := range caller {
			if c == s {
				return true
			}
		}
		return false
	}
	switch x := v.(type) {
	case string:
		return match(x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && match(s) {
				return true
			}
		}
	case []string:
		for _, s := range x {
			if match(s) {
				return true
			}
		}
	}
	return false
}

// Update returns the predicate the row an update of m with input changes
// must hold for (nil: any row), and false when no rule allows it. A row
// rule whose field the input changes allows the update only if the new
// value still names the caller: ownership cannot be handed over unless
// another rule (a static one) allows it.
func (p *Policy) Update(m *schema.Model, id auth.Identity, input map[string]any) (pred.Expr, bool) {
	e, ok := mutationFilter(m, p.ModelRules(m), id, Update, input)
	if !ok {
		return nil, false
	}
	where := []pred.Expr{e}
	for name := range input {
		f := m.Field(name)
		if f == nil || len(f.Auth) == 0 {
			continue
		}
		fe, ok := mutationFilter(m, f.Auth, id, Update, input)
		if !ok {
			return nil, false
		}
		where = append(where, fe)
	}
	return pred.Conj(where...), true
}

// Delete returns the predicate the deleted row must hold for.
func (p *Policy) Delete(m *schema.Model, id auth.Identity) (pred.Expr, bool) {
	d := p.Model(m, id, Delete)
	return d.Filter, d.Allowed
}

func mutationFilter(m *schema.Model, rules []schema.AuthRule, id auth.Identity, op Op, input map[string]any) (pred.Expr, bool) {
	for _, r := range rules {
		if covers(r, op) && applies(r, id) && isStatic(r) && staticAllows(r, id) {
			return nil, true
		}
	}
	// Without a static rule, the input may not set any rule's owner or
	// group field to a value that does not name the caller: that would
	// hand the row (or a share of it) to someone else, whichever rule
	// lets the caller change the row.
	for _, r := range rules {
		if isStatic(r) {
			continue
		}
		if f := ruleField(m, r); f != nil {
			if v, changes := input[f.Name]; changes && !valueNames(v, callerValues(r, id)) {
				return nil, false
			}
		}
	}
	var row pred.Or
	for _, r := range rules {
		if !covers(r, op) || !applies(r, id) || isStatic(r) {
			continue
		}
		if e := rowPredicate(m, r, id); e != nil {
			row = append(row, e)
		}
	}
	if len(row) == 0 {
		return nil, false
	}
	return disj(row), true
}
