// Package authz decides what an identity may do with the API: it turns the
// schema's auth rules (global, model, field, custom operation) and a
// request's identity into decisions the planner enforces inside SQL: allow,
// deny, or allow only the rows matching a predicate. It evaluates the same
// rules in Go for inputs (a create's owner field) so a rule means the same
// thing before and after a row exists.
//
// Semantics follow the reference (amplify-sql.md §7): the rules of the
// narrowest level apply (field, else model, else global); a rule applies to
// an identity proven by the rule's provider and to the operations it lists;
// public, private, static groups and custom rules allow every row; owner
// and group-field rules allow the rows whose field names the caller. An
// API without any rule at all accepts API keys, as the reference's sandbox
// does; once any rule exists, what no rule allows is denied.
package authz

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// Op is an operation as auth rules name them.
type Op string

// Operations. Read stands for get, list, listen, sync and search.
const (
	Get    Op = "get"
	List   Op = "list"
	Listen Op = "listen"
	Create Op = "create"
	Update Op = "update"
	Delete Op = "delete"
)

// Rule kinds and their default providers (reference §7.1).
const (
	allowPublic  = "public"
	allowPrivate = "private"
	allowOwner   = "owner"
	allowGroups  = "groups"
	allowCustom  = "custom"

	defaultOwnerField = "owner"
)

// DefaultRules are the rules of an API that declares none: any API key.
func DefaultRules() []schema.AuthRule {
	return []schema.AuthRule{{Allow: allowPublic, Provider: string(auth.ProviderAPIKey)}}
}

// Policy evaluates one schema's rules.
type Policy struct {
	s *schema.Schema
	// open is set when the schema has no rule anywhere: then, and only
	// then, DefaultRules apply.
	open bool
}

// New returns the policy of s.
func New(s *schema.Schema) *Policy { return &Policy{s: s, open: !HasRules(s)} }

// HasRules reports whether s has a rule at any level.
func HasRules(s *schema.Schema) bool {
	if len(s.Auth) > 0 {
		return true
	}
	for _, m := range s.Models {
		if len(m.Auth) > 0 {
			return true
		}
		for _, f := range m.Fields {
			if len(f.Auth) > 0 {
				return true
			}
		}
	}
	for _, ops := range [][]*schema.Operation{s.Queries, s.Mutations} {
		for _, o := range ops {
			if len(o.Auth) > 0 {
				return true
			}
		}
	}
	return false
}

// Decision is what a caller may do with a model's rows.
type Decision struct {
	Allowed bool
	// Filter, when Allowed, limits the rows to those it holds for; nil
	// means every row.
	Filter pred.Expr
}

// ModelRules are the rules that govern m: its own, else the global ones,
// else DefaultRules in an API without rules, else none (deny).
func (p *Policy) ModelRules(m *schema.Model) []schema.AuthRule { return p.rulesOr(m.Auth) }

// OperationRules are the rules that govern a custom operation, chosen as
// ModelRules chooses.
func (p *Policy) OperationRules(o *schema.Operation) []schema.AuthRule { return p.rulesOr(o.Auth) }

func (p *Policy) rulesOr(own []schema.AuthRule) []schema.AuthRule {
	switch {
	case len(own) > 0:
		return own
	case len(p.s.Auth) > 0:
		return p.s.Auth
	case p.open:
		return DefaultRules()
	}
	return nil
}

// Model decides op on m's rows for id.
func (p *Policy) Model(m *schema.Model, id auth.Identity, op Op) Decision {
	return decide(m, p.ModelRules(m), id, op)
}

// decide evaluates rules: a static rule that applies allows every row;
// otherwise the row rules that apply allow the rows their predicates hold
// for; otherwise nothing is allowed.
func decide(m *schema.Model, rules []schema.AuthRule, id auth.Identity, op Op) Decision {
	var row pred.Or
	for _, r := range rules {
		if !covers(r, op) || !applies(r, id) {
			continue
		}
		if isStatic(r) {
			if staticAllows(r, id) {
				return Decision{Allowed: true}
			}
			continue
		}
		if e := rowPredicate(m, r, id); e != nil {
			row = append(row, e)
		}
	}
	if len(row) == 0 {
		return Decision{}
	}
	return Decision{Allowed: true, Filter: disj(row)}
}

func disj(list pred.Or) pred.Expr {
	if len(list) == 1 {
		return list[0]
	}
	return list
}

// FieldAccess is what a caller may see of one field.
type FieldAccess struct {
	// Denied: the field is null for every row, with an error.
	Denied bool
	// Guard, when set, shows the field only on rows it holds for (null
	// with an error elsewhere).
	Guard pred.Expr
}

// Visible reports whether the field is shown on every row the caller sees.
func (a FieldAccess) Visible() bool { return !a.Denied && a.Guard == nil }

// Field decides whether id may read f of m under op (Get, List or
// Listen). A field without rules of its own is visible wherever its row
// is; so is a field whose rules allow the caller outright. Fields the
// custom authorizer listed in deniedFields are denied.
func (p *Policy) Field(m *schema.Model, f *schema.Field, id auth.Identity, op Op) FieldAccess {
	if DeniedByAuthorizer(m.Name, f.Name, id) {
		return FieldAccess{Denied: true}
	}
	if len(f.Auth) == 0 {
		return FieldAccess{}
	}
	d := decide(m, f.Auth, id, op)
	switch {
	case !d.Allowed:
		return FieldAccess{Denied: true}
	case d.Filter != nil:
		return FieldAccess{Guard: d.Filter}
	}
	return FieldAccess{}
}

// DeniedByAuthorizer checks the webhook's deniedFields, which name fields
// as "Type.field" (or as an AppSync field ARN ending in
// "/types/Type/fields/field"): model fields and relationships, and root
// fields as "Query.listNotes" or "Mutation.deleteNote".
func DeniedByAuthorizer(typ, field string, id auth.Identity) bool {
	if len(id.DeniedFields) == 0 {
		return false
	}
	want := typ + "." + field
	arn := "/types/" + typ + "/fields/" + field
	for _, d := range id.DeniedFields {
		if d == want || strings.HasSuffix(d, arn) {
			return true
		}
	}
	return false
}

// typeOf is the root type a custom operation belongs to.
func (p *Policy) typeOf(o *schema.Operation) string {
	for _, m := range p.s.Mutations {
		if m == o {
			return "Mutation"
		}
	}
	return "Query"
}

// Operation decides whether id may run a custom operation. Owner and
// group-field rules cannot apply to one (the schema loader refuses them).
func (p *Policy) Operation(o *schema.Operation, id auth.Identity) bool {
	if DeniedByAuthorizer(p.typeOf(o), o.Name, id) {
		return false
	}
	for _, r := range p.OperationRules(o) {
		if isStatic(r) && applies(r, id) && staticAllows(r, id) {
			return true
		}
	}
	return false
}

// Denial is the message AppSync gives a caller no rule allows.
func Denial(field, typ string) string {
	return fmt.Sprintf("Not Authorized to access %s on type %s", field, typ)
}

// covers reports whether r governs op.
func covers(r schema.AuthRule, op Op) bool {
	if len(r.Operations) == 0 {
		return true
	}
	for _, o := range r.Operations {
		if Op(o) == op {
			return true
		}
		if o == "read" && (op == Get || op == List || op == Listen) {
			return true
		}
	}
	return false
}

// Provider is the provider a rule names, or its kind's default.
func Provider(r schema.AuthRule) auth.Provider {
	if r.Provider != "" {
		return auth.Provider(r.Provider)
	}
	switch r.Allow {
	case allowPublic:
		return auth.ProviderAPIKey
	case allowCustom:
		return auth.ProviderFunction
	}
	return auth.ProviderUserPools
}

// applies reports whether id was proven the way r accepts.
func applies(r schema.AuthRule, id auth.Identity) bool {
	p := Provider(r)
	switch {
	case r.Allow == allowPublic && p == auth.ProviderIdentityPool:
		return id.Guest
	case r.Allow == allowPrivate && p == auth.ProviderIdentityPool:
		// Signed-in AWS IAM identities: Quarry cannot verify AWS
		// credentials, so no identity is one.
		return false
	}
	return !id.Guest && id.Provider == p
}

// isStatic reports whether r decides without looking at a row.
func isStatic(r schema.AuthRule) bool {
	return r.Allow != allowOwner && !(r.Allow == allowGroups && r.GroupsField != "")
}

// staticAllows evaluates a static rule that applies to id.
func staticAllows(r schema.AuthRule, id auth.Identity) bool {
	if r.Allow != allowGroups {
		return true
	}
	have := GroupsOf(id, r.GroupClaim)
	for _, g := range r.Groups {
		for _, h := range have {
			if g == h {
				return true
			}
		}
	}
	return false
}

// GroupsOf returns the groups id belongs to according to claim ("" means
// the provider's configured groups claim).
func GroupsOf(id auth.Identity, claim string) []string {
	if claim == "" || claim == auth.DefaultGroupsClaim {
		return id.Groups
	}
	switch v := id.Claims[claim].(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}

// ruleField returns the model field a row rule reads, nil when absent (the
// schema loader checks it exists; Bind keeps fields).
func ruleField(m *schema.Model, r schema.AuthRule) *schema.Field {
	name := r.GroupsField
	if r.Allow == allowOwner {
		name = r.OwnerField
		if name == "" {
			name = defaultOwnerField
		}
	}
	return m.Field(name)
}

// callerValues are the values of a row rule's field that designate id:
// its owner values or its groups.
func callerValues(r schema.AuthRule, id auth.Identity) []string {
	if r.Allow == allowOwner {
		return id.OwnerValues(r.IdentityClaim)
	}
	return GroupsOf(id, r.GroupClaim)
}

// rowPredicate is the predicate of a row rule for id, nil when the rule
// cannot allow any row (the caller has no owner value or no group).
func rowPredicate(m *schema.Model, r schema.AuthRule, id auth.Identity) pred.Expr {
	f := ruleField(m, r)
	vals := callerValues(r, id)
	if f == nil || len(vals) == 0 {
		return nil
	}
	if f.IsList {
		var or pred.Or
		for _, v := range vals {
			or = append(or, pred.Cmp{Column: f.Column, Op: pred.Contains, Value: v, List: true})
		}
		return disj(or)
	}
	if len(vals) == 1 {
		return pred.Cmp{Column: f.Column, Op: pred.Eq, Value: vals[0]}
	}
	vs := make([]any, len(vals))
	for i, v := range vals {
		vs[i] = v
	}
	return pred.Cmp{Column: f.Column, Op: pred.In, Values: vs}
}
