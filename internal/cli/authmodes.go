package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/schema"
)

// accepted is what an API accepts: the authenticator's configuration and
// what amplify_outputs.json says about it.
type accepted struct {
	cfg auth.Config
	// defaultType and types are AppSync mode names (API_KEY, ...).
	defaultType string
	types       []string
	apiKey      bool
	// warnings name rules no accepted credential can satisfy.
	warnings []string
}

// appSyncMode maps the reference's mode names to AppSync's.
func appSyncMode(mode string) string {
	switch mode {
	case "apiKey":
		return "API_KEY"
	case "userPool":
		return "AMAZON_COGNITO_USER_POOLS"
	case "oidc":
		return "OPENID_CONNECT"
	case "lambda":
		return "AWS_LAMBDA"
	case "identityPool":
		return "AWS_IAM"
	}
	return ""
}

// providersUsed lists the providers the schema's rules name, counting the
// default rules where a model or operation has none.
func providersUsed(s *schema.Schema) map[auth.Provider]bool {
	used := map[auth.Provider]bool{}
	add := func(rules []schema.AuthRule) {
		for _, r := range rules {
			used[authz.Provider(r)] = true
		}
	}
	p := authz.New(s)
	for _, m := range s.Models {
		add(p.ModelRules(m))
		for _, f := range m.Fields {
			add(f.Auth)
		}
	}
	for _, ops := range [][]*schema.Operation{s.Queries, s.Mutations, s.Subscriptions} {
		for _, o := range ops {
			add(p.OperationRules(o))
		}
	}
	return used
}

// acceptedModes derives what an API accepts from its configured modes
// and its rules: keys are its API keys (used when API keys are enabled),
// dev the sandbox's own token issuers (none for serve).
func acceptedModes(s *schema.Schema, keys []auth.APIKey, dev []auth.OIDCProvider) accepted {
	modes := s.Modes
	if modes == nil {
		modes = &schema.AuthModes{}
	}
	used := providersUsed(s)
	var a accepted
	enabled := map[string]bool{}
	if s.Modes == nil || modes.APIKey || used[auth.ProviderAPIKey] {
		enabled["apiKey"] = true
		a.apiKey = true
		a.cfg.APIKeys = keys
	}
	if modes.IdentityPool || used[auth.ProviderIdentityPool] {
		enabled["identityPool"] = true
		a.cfg.AllowGuest = true
	}
	if u := modes.UserPool; u != nil {
		enabled["userPool"] = true
		a.cfg.OIDC = append(a.cfg.OIDC, auth.OIDCProvider{Issuer: u.Issuer, ClientIDs: u.ClientIDs,
			Provider: auth.ProviderUserPools, GroupsClaim: u.GroupsClaim, UsernameClaim: u.UsernameClaim})
	}
	if o := modes.OIDC; o != nil {
		enabled["oidc"] = true
		a.cfg.OIDC = append(a.cfg.OIDC, auth.OIDCProvider{Issuer: o.Issuer, ClientIDs: o.ClientIDs,
			Provider: auth.ProviderOIDC, GroupsClaim: o.GroupsClaim, UsernameClaim: o.UsernameClaim})
	}
	for _, d := range dev {
		a.cfg.OIDC = append(a.cfg.OIDC, d)
		if d.Provider == auth.ProviderUserPools {
			enabled["userPool"] = true
		} else {
			enabled["oidc"] = true
		}
	}
	if l := modes.Lambda; l != nil {
		enabled["lambda"] = true
		lc := &auth.LambdaConfig{URL: l.URL}
		if l.TTLSeconds != nil {
			ttl := time.Duration(*l.TTLSeconds) * time.Second
			lc.TTL = &ttl
		}
		a.cfg.Lambda = lc
	}

	// Without a configured default, the client's default is the first
	// enabled mode the rules name, so its plain calls are allowed.
	def := modes.Default
	if def == "" {
		byMode := map[string]auth.Provider{"apiKey": auth.ProviderAPIKey, "userPool": auth.ProviderUserPools,
			"oidc": auth.ProviderOIDC, "lambda": auth.ProviderFunction, "identityPool": auth.ProviderIdentityPool}
		for _, m := range []string{"apiKey", "userPool", "oidc", "lambda", "identityPool"} {
			if enabled[m] && used[byMode[m]] {
				def = m
				break
			}
		}
	}
	if def == "" {
		for _, m := range []string{"apiKey", "userPool", "oidc", "lambda", "identityPool"} {
			if enabled[m] {
				def = m
				break
			}
		}
	}
	a.defaultType = appSyncMode(def)
	for _, m := range []string{"apiKey", "userPool", "oidc", "lambda", "identityPool"} {
		if enabled[m] && m != def {
			a.types = append(a.types, appSyncMode(m))
		}
	}

	for _, p := range []auth.Provider{auth.ProviderUserPools, auth.ProviderOIDC, auth.ProviderFunction} {
		mode := map[auth.Provider]string{auth.ProviderUserPools: "userPool", auth.ProviderOIDC: "oidc", auth.ProviderFunction: "lambda"}[p]
		if used[p] && !enabled[mode] {
			a.warnings = append(a.warnings, fmt.Sprintf("rules with provider %s allow nobody: configure %sAuthorizationMode in @authorizationModes", p, mode))
		}
	}
	return a
}

// warn prints what acceptedModes found wrong, once per build.
func (e *env) warn(a accepted) {
	if len(a.warnings) > 0 {
		fmt.Fprintln(e.stderr, "Warning: "+strings.Join(a.warnings, "\nWarning: "))
	}
}
