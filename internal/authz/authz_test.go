package authz

import (
	"fmt"
	"testing"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

func model(rules ...schema.AuthRule) *schema.Model {
	return &schema.Model{Name: "Post", PrimaryKey: []string{"id"}, Auth: rules, Fields: []*schema.Field{
		{Name: "id", Column: "id", Type: schema.Int},
		{Name: "owner", Column: "owner_col", Type: schema.String},
		{Name: "editors", Column: "editors", Type: schema.String, IsList: true},
		{Name: "team", Column: "team", Type: schema.String},
		{Name: "body", Column: "body", Type: schema.String},
	}}
}

var (
	alice = auth.Identity{Provider: auth.ProviderUserPools, Sub: "s-a", Username: "alice",
		Claims: map[string]any{"sub": "s-a", "tenant": "t1", "roles": []any{"Editors"}}}
	admin  = auth.Identity{Provider: auth.ProviderUserPools, Sub: "s-c", Username: "carol", Groups: []string{"Admin"}}
	oidc   = auth.Identity{Provider: auth.ProviderOIDC, Sub: "s-e", Username: "erin"}
	apiKey = auth.Identity{Provider: auth.ProviderAPIKey, APIKeyID: "k"}
	guest  = auth.Identity{Provider: auth.ProviderIdentityPool, Guest: true}
	hook   = auth.Identity{Provider: auth.ProviderFunction, DeniedFields: []string{
		"arn:aws:appsync:us-east-1:1:apis/x/types/Post/fields/body"}}
)

func TestModelDecisions(t *testing.T) {
	owner := schema.AuthRule{Allow: "owner"}
	tests := []struct {
		name  string
		rules []schema.AuthRule
		id    auth.Identity
		op    Op
		want  string // "deny", "all" or the filter
	}{
		{"no rules: API keys", nil, apiKey, List, "all"},
		{"no rules: tokens denied", nil, alice, List, "deny"},
		{"public key", []schema.AuthRule{{Allow: "public"}}, apiKey, Get, "all"},
		{"public key is not a guest", []schema.AuthRule{{Allow: "public"}}, guest, Get, "deny"},
		{"public identityPool is guests", []schema.AuthRule{{Allow: "public", Provider: "identityPool"}}, guest, Get, "all"},
		{"private user pools", []schema.AuthRule{{Allow: "private"}}, alice, Delete, "all"},
		{"private user pools is not oidc", []schema.AuthRule{{Allow: "private"}}, oidc, Get, "deny"},
		{"private oidc", []schema.AuthRule{{Allow: "private", Provider: "oidc"}}, oidc, Get, "all"},
		{"private identityPool: nobody", []schema.AuthRule{{Allow: "private", Provider: "identityPool"}}, guest, Get, "deny"},
		{"owner: both parts of sub::username", []schema.AuthRule{owner}, alice, List,
			`{owner_col in [s-a::alice s-a alice]}`},
		{"owner with identityClaim sub", []schema.AuthRule{{Allow: "owner", IdentityClaim: "sub"}}, alice, List, `{owner_col eq false s-a}`},
		{"owner with a custom claim", []schema.AuthRule{{Allow: "owner", IdentityClaim: "tenant"}}, alice, List, `{owner_col eq false t1}`},
		{"owner: API key owns nothing", []schema.AuthRule{owner}, apiKey, List, "deny"},
		{"owners list", []schema.AuthRule{{Allow: "owner", OwnerField: "editors"}}, alice, Get,
			`[{editors contains true s-a::alice} {editors contains true s-a} {editors contains true alice}]`},
		{"static group", []schema.AuthRule{{Allow: "groups", Groups: []string{"Admin"}}}, admin, Update, "all"},
		{"static group, not a member", []schema.AuthRule{{Allow: "groups", Groups: []string{"Admin"}}}, alice, Update, "deny"},
		{"group claim", []schema.AuthRule{{Allow: "groups", Groups: []string{"Editors"}, GroupClaim: "roles"}}, alice, Get, "all"},
		{"group field", []schema.AuthRule{{Allow: "groups", GroupsField: "team"}}, admin, List, `{team eq false Admin}`},
		{"group field, no groups", []schema.AuthRule{{Allow: "groups", GroupsField: "team"}}, alice, List, "deny"},
		{"operations: read covers list", []schema.AuthRule{{Allow: "public", Operations: []string{"read"}}}, apiKey, List, "all"},
		{"operations: read is not delete", []schema.AuthRule{{Allow: "public", Operations: []string{"read"}}}, apiKey, Delete, "deny"},
		{"operations: get is not list", []schema.AuthRule{{Allow: "private", Operations: []string{"get"}}}, alice, List, "deny"},
		{"a static rule beats row rules", []schema.AuthRule{owner, {Allow: "groups", Groups: []string{"Admin"}}}, admin, List, "all"},
		{"row rules are OR-ed", []schema.AuthRule{owner, {Allow: "groups", GroupsField: "team", GroupClaim: "roles"}}, alice, List,
			`[{owner_col in [s-a::alice s-a alice]} {team eq false Editors}]`},
		{"custom: the webhook", []schema.AuthRule{{Allow: "custom"}}, hook, List, "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(&schema.Schema{}).Model(model(tt.rules...), tt.id, tt.op)
			got := "deny"
			switch {
			case d.Allowed && d.Filter == nil:
				got = "all"
			case d.Allowed:
				got = show(d.Filter)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// show prints a predicate compactly for comparison.
func show(e pred.Expr) string {
	switch x := e.(type) {
	case pred.Cmp:
		if x.Values != nil {
			return fmt.Sprintf("{%s %s %v}", x.Column, x.Op, x.Values)
		}
		return fmt.Sprintf("{%s %s %v %v}", x.Column, x.Op, x.List, x.Value)
	case pred.Or:
		s := "["
		for i, y := range x {
			if i > 0 {
				s += " "
			}
			s += show(y)
		}
		return s + "]"
	}
	return fmt.Sprint(e)
}

func TestGlobalRulesApplyToModelsWithout(t *testing.T) {
	s := &schema.Schema{Auth: []schema.AuthRule{{Allow: "private"}}}
	if d := New(s).Model(model(), alice, Get); !d.Allowed || d.Filter != nil {
		t.Errorf("global private rule: %+v", d)
	}
	if d := New(s).Model(model(), apiKey, Get); d.Allowed {
		t.Error("an API key passes global rules that do not name it")
	}
	if d := New(s).Model(model(schema.AuthRule{Allow: "public"}), apiKey, Get); !d.Allowed {
		t.Error("model rules do not replace the global ones")
	}
}

func TestFieldAccess(t *testing.T) {
	m := model(schema.AuthRule{Allow: "private"}, schema.AuthRule{Allow: "custom"})
	m.Field("body").Auth = []schema.AuthRule{{Allow: "owner"}, {Allow: "groups", Groups: []string{"Admin"}}}
	p := New(&schema.Schema{})
	if a := p.Field(m, m.Field("team"), alice, List); !a.Visible() {
		t.Error("a field without rules is hidden")
	}
	if a := p.Field(m, m.Field("body"), admin, List); !a.Visible() {
		t.Error("admin cannot read body")
	}
	if a := p.Field(m, m.Field("body"), alice, List); a.Denied || a.Guard == nil {
		t.Errorf("owner should read body on own rows only: %+v", a)
	}
	if a := p.Field(m, m.Field("body"), oidc, List); !a.Denied {
		t.Error("oidc reads body")
	}
	// The webhook's deniedFields hide a field whatever the rules say.
	if a := p.Field(m, m.Field("body"), hook, List); !a.Denied {
		t.Error("deniedFields (ARN form) ignored")
	}
	hook2 := hook
	hook2.DeniedFields = []string{"Post.team"}
	if a := p.Field(m, m.Field("team"), hook2, List); !a.Denied {
		t.Error("deniedFields (Type.field form) ignored")
	}
}

func TestCreateFillsAndChecksOwners(t *testing.T) {
	p := New(&schema.Schema{})
	m := model(schema.AuthRule{Allow: "owner"}, schema.AuthRule{Allow: "owner", OwnerField: "editors"})
	in := map[string]any{"body": "x"}
	if !p.Create(m, alice, in) {
		t.Fatal("owner cannot create")
	}
	if in["owner"] != "s-a::alice" || fmt.Sprint(in["editors"]) != "[s-a::alice]" {
		t.Errorf("filled %v", in)
	}
	if p.Create(m, alice, map[string]any{"owner": "bob", "editors": []any{"bob"}}) {
		t.Error("created a row owned by someone else")
	}
	if !p.Create(m, alice, map[string]any{"owner": "alice", "editors": []any{"bob"}}) {
		t.Error("a row naming the caller by username is refused")
	}
	if p.Create(m, apiKey, map[string]any{}) {
		t.Error("an API key creates under owner rules")
	}
	// A field rule is checked against the row being created.
	m2 := model(schema.AuthRule{Allow: "private"})
	m2.Field("team").Auth = []schema.AuthRule{{Allow: "groups", Groups: []string{"Admin"}}}
	if p.Create(m2, alice, map[string]any{"team": "x"}) || !p.Create(m2, alice, map[string]any{"body": "x"}) || !p.Create(m2, admin, map[string]any{"team": "x"}) {
		t.Error("field-level create rules")
	}
}

func TestUpdateCannotHandOwnershipOver(t *testing.T) {
	p := New(&schema.Schema{})
	m := model(schema.AuthRule{Allow: "owner"}, schema.AuthRule{Allow: "groups", Groups: []string{"Admin"}})
	if e, ok := p.Update(m, alice, map[string]any{"body": "x"}); !ok || e == nil {
		t.Errorf("owner update: %v %v", e, ok)
	}
	if _, ok := p.Update(m, alice, map[string]any{"owner": "bob"}); ok {
		t.Error("owner handed the row over")
	}
	if e, ok := p.Update(m, alice, map[string]any{"owner": "alice"}); !ok || e == nil {
		t.Error("owner rewriting itself as owner is refused")
	}
	if e, ok := p.Update(m, admin, map[string]any{"owner": "bob"}); !ok || e != nil {
		t.Error("admin cannot reassign")
	}
	if e, ok := p.Delete(m, alice); !ok || e == nil {
		t.Error("owner delete must be a row predicate")
	}
}

func TestOperations(t *testing.T) {
	op := &schema.Operation{Name: "stats", Auth: []schema.AuthRule{{Allow: "groups", Groups: []string{"Admin"}}}}
	p := New(&schema.Schema{})
	if !p.Operation(op, admin) || p.Operation(op, alice) || p.Operation(op, apiKey) {
		t.Error("operation rules")
	}
	bare := &schema.Operation{Name: "x"}
	if !p.Operation(bare, apiKey) || p.Operation(bare, alice) {
		t.Error("an operation without rules takes API keys only")
	}
	if !New(&schema.Schema{Auth: []schema.AuthRule{{Allow: "private"}}}).Operation(bare, alice) {
		t.Error("global rules do not reach operations")
	}
}

// Once any rule exists, a model or operation without rules is closed: the
// API-key default is only for APIs with no rules at all.
func TestNoDefaultBesideRules(t *testing.T) {
	open := model()
	s := &schema.Schema{Models: []*schema.Model{open, model(schema.AuthRule{Allow: "private"})}}
	p := New(s)
	if p.Model(open, apiKey, List).Allowed {
		t.Error("a model without rules is open to API keys beside a model with rules")
	}
	op := &schema.Operation{Name: "wipe"}
	s.Mutations = []*schema.Operation{op}
	if New(s).Operation(op, apiKey) {
		t.Error("an operation without rules runs beside rules")
	}
	s2 := &schema.Schema{Models: []*schema.Model{model()}}
	s2.Models[0].Field("body").Auth = []schema.AuthRule{{Allow: "owner"}}
	if New(s2).Model(s2.Models[0], apiKey, List).Allowed {
		t.Error("a field rule leaves its model open")
	}
}

// A rule that lets the caller change a row does not let it change who
// owns the row, even through another row rule.
func TestEditorsCannotReassign(t *testing.T) {
	m := model(schema.AuthRule{Allow: "owner"}, schema.AuthRule{Allow: "owner", OwnerField: "editors", Operations: []string{"read", "update"}})
	p := New(&schema.Schema{})
	if _, ok := p.Update(m, alice, map[string]any{"owner": "mallory"}); ok {
		t.Error("an editor hands the row to mallory")
	}
	if _, ok := p.Update(m, alice, map[string]any{"owner": "alice"}); !ok {
		t.Error("setting the owner to the caller itself is refused")
	}
	if _, ok := p.Update(m, alice, map[string]any{"editors": []any{"alice", "mallory"}}); !ok {
		t.Error("a list that still names the caller is refused")
	}
	if _, ok := p.Update(m, alice, map[string]any{"editors": []any{"mallory"}}); ok {
		t.Error("an editor replaces the editors with someone else")
	}
}

func TestDeniedRootFields(t *testing.T) {
	id := hook
	id.DeniedFields = []string{"Mutation.wipe", "arn:aws:appsync:r:1:apis/x/types/Query/fields/stats"}
	wipe, stats := &schema.Operation{Name: "wipe"}, &schema.Operation{Name: "stats"}
	s := &schema.Schema{Auth: []schema.AuthRule{{Allow: "custom"}}, Mutations: []*schema.Operation{wipe}, Queries: []*schema.Operation{stats}}
	if New(s).Operation(wipe, id) || New(s).Operation(stats, id) || !New(s).Operation(stats, hook) {
		t.Error("deniedFields on custom operations")
	}
}
