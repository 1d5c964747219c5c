package auth

import "strings"

// Provider is the kind of credential an identity was proven with. The values
// are the reference's auth-rule provider names, so a rule's provider can be
// compared with an identity's directly.
type Provider string

// Providers, with the AppSync auth mode each stands for.
const (
	ProviderAPIKey       Provider = "apiKey"       // API_KEY
	ProviderUserPools    Provider = "userPools"    // AMAZON_COGNITO_USER_POOLS
	ProviderOIDC         Provider = "oidc"         // OPENID_CONNECT
	ProviderIdentityPool Provider = "identityPool" // AWS_IAM; Quarry only has its guests
	ProviderFunction     Provider = "function"     // AWS_LAMBDA: the custom authorizer webhook
)

// DefaultIdentityClaim is the reference's default owner claim: the stored
// owner value is "<sub>::<username>".
const DefaultIdentityClaim = "sub::username"

// ownerDelimiter joins the parts of a compound identity claim.
const ownerDelimiter = "::"

// Identity is who a request is, as proven by its credentials.
type Identity struct {
	Provider Provider
	// Guest is true for a request that carried no credentials (or AWS
	// credentials Quarry cannot check), accepted because guests are allowed.
	Guest bool
	// APIKeyID names the API key used (its configured ID, never its value).
	APIKeyID string

	// Token identities.
	Issuer   string
	Sub      string
	Username string
	Groups   []string
	// Claims holds every claim of the verified token, as decoded JSON.
	Claims map[string]any

	// Custom authorizer results, passed through from the webhook. A cached
	// answer shares these with other requests of the same token: read only.
	ResolverContext map[string]any
	DeniedFields    []string
}

// Claim returns a claim as a string, "" when absent or not a string. The
// pseudo-claims "sub" and "username" come from the identity's fields, so they
// work for access tokens (username) and id tokens (cognito:username) alike.
func (id Identity) Claim(name string) string {
	switch name {
	case "sub":
		return id.Sub
	case "username":
		return id.Username
	}
	s, _ := id.Claims[name].(string)
	return s
}

// OwnerValues lists the stored owner values that designate this identity
// under identityClaim ("" means DefaultIdentityClaim). For a compound claim
// such as "sub::username" a stored value matches on the whole or on either
// part, as in the reference: ["<sub>::<username>", "<sub>", "<username>"].
// The SQL predicate (owner IN values) and the in-process check (OwnerMatches)
// both use this list, so realtime and queries cannot disagree. An identity
// without the claim (API key, guest, webhook) owns nothing: nil.
func (id Identity) OwnerValues(identityClaim string) []string {
	if identityClaim == "" {
		identityClaim = DefaultIdentityClaim
	}
	var out []string
	add := func(v string) {
		if v == "" {
			return
		}
		for _, o := range out {
			if o == v {
				return
			}
		}
		out = append(out, v)
	}
	parts := strings.Split(identityClaim, ownerDelimiter)
	if len(parts) > 1 {
		vals := make([]string, len(parts))
		whole := true
		for i, p := range parts {
			vals[i] = id.Claim(p)
			// A claim holding the delimiter could pose as another user's
			// compound value ("<their sub>::<their name>" as a username):
			// such an identity owns nothing.
			if strings.Contains(vals[i], ownerDelimiter) {
				return nil
			}
			whole = whole && vals[i] != ""
		}
		if whole {
			add(strings.Join(vals, ownerDelimiter))
		}
		for _, v := range vals {
			add(v)
		}
		return out
	}
	add(id.Claim(identityClaim))
	return out
}

// OwnerValue is the value written into an owner field on create: the whole
// compound value when every part is present, else the first value there is.
func (id Identity) OwnerValue(identityClaim string) string {
	vs := id.OwnerValues(identityClaim)
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// OwnerMatches reports whether a stored owner value designates this identity.
func (id Identity) OwnerMatches(stored, identityClaim string) bool {
	for _, v := range id.OwnerValues(identityClaim) {
		if v == stored {
			return true
		}
	}
	return false
}

// InGroup reports whether the identity belongs to group g.
func (id Identity) InGroup(g string) bool {
	for _, x := range id.Groups {
		if x == g {
			return true
		}
	}
	return false
}
