package sdl

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/schema"
)

// dirAuthModes configures the accepted credentials on `extend schema`,
// with the names of the reference's defineData({authorizationModes}).
const dirAuthModes = "authorizationModes"

func authModeNames() []string {
	return []string{"apiKey", "userPool", "oidc", "lambda", "identityPool"}
}

// authModes reads @authorizationModes(...).
func (c *collector) authModes(d *ast.Directive) *schema.AuthModes {
	a := c.args(d, "defaultAuthorizationMode", "apiKeyAuthorizationMode", "userPoolAuthorizationMode",
		"oidcAuthorizationMode", "lambdaAuthorizationMode", "identityPoolAuthorizationMode")
	m := &schema.AuthModes{}
	if v := a["apiKeyAuthorizationMode"]; v != nil {
		m.APIKey = true
		o := c.object(v, "apiKeyAuthorizationMode", "expiresInDays", "description")
		if x := o["expiresInDays"]; x != nil {
			n, err := strconv.Atoi(x.Raw)
			if x.Kind != ast.IntValue || err != nil || n < 1 || n > 365 {
				c.add(x.Position, "API keys live 1 to 365 days, as in the reference", "expiresInDays must be a whole number of days from 1 to 365, not %s", x.String())
			}
			m.APIKeyExpiresInDays = n
		}
	}
	m.UserPool = c.issuer(a["userPoolAuthorizationMode"], "userPoolAuthorizationMode")
	m.OIDC = c.issuer(a["oidcAuthorizationMode"], "oidcAuthorizationMode")
	if v := a["lambdaAuthorizationMode"]; v != nil {
		o := c.object(v, "lambdaAuthorizationMode", "url", "timeToLiveInSeconds")
		l := &schema.LambdaAuthorizer{}
		if x := o["url"]; x == nil {
			c.add(v.Position, `write lambdaAuthorizationMode: {url: "https://auth.example.com/appsync"}`, "lambdaAuthorizationMode needs the url of the authorizer webhook")
		} else {
			l.URL, _ = c.str(x, "url")
		}
		if x := o["timeToLiveInSeconds"]; x != nil {
			n, err := strconv.Atoi(x.Raw)
			if x.Kind != ast.IntValue || err != nil || n < 0 || n > 3600 {
				c.add(x.Position, "0 turns caching off; AppSync allows at most 3600", "timeToLiveInSeconds must be from 0 to 3600, not %s", x.String())
			}
			l.TTLSeconds = &n
		}
		m.Lambda = l
	}
	if v := a["identityPoolAuthorizationMode"]; v != nil {
		c.object(v, "identityPoolAuthorizationMode")
		m.IdentityPool = true
	}
	if v := a["defaultAuthorizationMode"]; v != nil {
		name, ok := c.name(v, "defaultAuthorizationMode")
		if name == "iam" {
			name = "identityPool"
		}
		switch {
		case !ok:
		case !slices.Contains(authModeNames(), name):
			c.add(v.Position, "one of "+strings.Join(authModeNames(), ", "), "unknown authorization mode %s", name)
		default:
			m.Default = name
			enabled := map[string]bool{"apiKey": m.APIKey, "userPool": m.UserPool != nil, "oidc": m.OIDC != nil,
				"lambda": m.Lambda != nil, "identityPool": m.IdentityPool}
			// API keys, guests and the sandbox's own user pool need no
			// settings.
			switch {
			case name == "apiKey":
				m.APIKey = true
			case name == "identityPool":
				m.IdentityPool = true
			case !enabled[name] && name != "userPool":
				c.add(v.Position, "configure it with "+name+"AuthorizationMode: {...}", "the default mode %s is not configured", name)
			}
		}
	}
	return m
}

// issuer reads {issuer: "...", clientId: "..." | ["..."], groupsClaim:
// "...", oidcProviderName: "..."}; for a user pool, userPoolId ("<region>_
// <id>") may stand for the issuer.
func (c *collector) issuer(v *ast.Value, what string) *schema.TokenIssuer {
	if v == nil {
		return nil
	}
	o := c.object(v, what, "issuer", "oidcIssuerUrl", "userPoolId", "clientId", "groupsClaim", "usernameClaim", "oidcProviderName")
	t := &schema.TokenIssuer{}
	for _, k := range []string{"issuer", "oidcIssuerUrl"} {
		if x := o[k]; x != nil {
			t.Issuer, _ = c.str(x, k)
		}
	}
	if x := o["userPoolId"]; x != nil {
		id, _ := c.str(x, "userPoolId")
		region, _, ok := strings.Cut(id, "_")
		if !ok || region == "" {
			c.add(x.Position, `a user pool id looks like "us-east-1_AbCdEf123"`, "userPoolId %q does not start with its region", id)
		}
		t.Issuer = "https://cognito-idp." + region + ".amazonaws.com/" + id
	}
	if t.Issuer == "" {
		c.add(v.Position, `write {issuer: "https://id.example.com/", clientId: "my-app"}`, "%s needs the issuer's URL (issuer)", what)
	}
	if x := o["clientId"]; x != nil {
		t.ClientIDs, _ = c.strList(x, "clientId")
	} else {
		c.add(v.Position, "tokens minted for other applications of the same issuer would be accepted otherwise", "%s needs clientId (the accepted audience)", what)
	}
	if x := o["groupsClaim"]; x != nil {
		t.GroupsClaim, _ = c.str(x, "groupsClaim")
	}
	if x := o["usernameClaim"]; x != nil {
		t.UsernameClaim, _ = c.str(x, "usernameClaim")
	}
	if x := o["oidcProviderName"]; x != nil {
		t.Name, _ = c.str(x, "oidcProviderName")
	}
	return t
}

// object indexes an input object's fields, reporting unknown and repeated
// ones.
func (c *collector) object(v *ast.Value, what string, known ...string) map[string]*ast.Value {
	out := map[string]*ast.Value{}
	if v.Kind != ast.ObjectValue {
		c.add(v.Position, "write {"+strings.Join(known, ": ..., ")+": ...}", "%s must be an object, not %s", what, v.String())
		return out
	}
	for _, ch := range v.Children {
		if !slices.Contains(known, ch.Name) {
			hint := what + " takes no fields"
			if len(known) > 0 {
				hint = what + " takes " + strings.Join(known, ", ")
			}
			if s := suggest(ch.Name, known); s != "" {
				hint = s
			}
			c.add(ch.Position, hint, "unknown field %s in %s", ch.Name, what)
			continue
		}
		if _, dup := out[ch.Name]; dup {
			c.add(ch.Position, "", "%s is given twice in %s", ch.Name, what)
			continue
		}
		out[ch.Name] = ch.Value
	}
	return out
}
