package cli

import (
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/schema"
)

func TestAcceptedModes(t *testing.T) {
	owner := []schema.AuthRule{{Allow: "owner"}}
	model := func(rules []schema.AuthRule) []*schema.Model {
		return []*schema.Model{{Name: "Note", PrimaryKey: []string{"id"}, Auth: rules,
			Fields: []*schema.Field{{Name: "id", Type: schema.Int}, {Name: "owner", Type: schema.String}}}}
	}
	dev := []auth.OIDCProvider{{Issuer: "http://127.0.0.1:4000/auth/dev", ClientIDs: []string{"quarry-sandbox"}, Provider: auth.ProviderUserPools}}
	keys := []auth.APIKey{{ID: "k", Value: "da2-x"}}
	tests := []struct {
		name     string
		s        *schema.Schema
		dev      []auth.OIDCProvider
		def      string
		types    string
		apiKey   bool
		guest    bool
		warnings string
	}{
		{"nothing configured: API keys", &schema.Schema{Models: model(nil)}, nil, "API_KEY", "", true, false, ""},
		{"sandbox adds its user pool", &schema.Schema{Models: model(owner)}, dev, "AMAZON_COGNITO_USER_POOLS", "API_KEY", true, false, ""},
		{"serve without an issuer warns", &schema.Schema{Models: model(owner), Modes: &schema.AuthModes{}}, nil, "", "", false, false,
			"rules with provider userPools allow nobody"},
		{"guests when a rule names them", &schema.Schema{Models: model([]schema.AuthRule{{Allow: "public", Provider: "identityPool"}}), Modes: &schema.AuthModes{}}, nil,
			"AWS_IAM", "", false, true, ""},
		{"configured default", &schema.Schema{Models: model(owner), Modes: &schema.AuthModes{Default: "oidc", APIKey: true,
			OIDC: &schema.TokenIssuer{Issuer: "https://id.example.com", ClientIDs: []string{"c"}}}}, dev,
			"OPENID_CONNECT", "API_KEY AMAZON_COGNITO_USER_POOLS", true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := acceptedModes(tt.s, keys, tt.dev)
			if a.defaultType != tt.def || strings.Join(a.types, " ") != tt.types || a.apiKey != tt.apiKey || a.cfg.AllowGuest != tt.guest {
				t.Errorf("got default %q types %v apiKey %v guest %v", a.defaultType, a.types, a.apiKey, a.cfg.AllowGuest)
			}
			if a.apiKey != (len(a.cfg.APIKeys) > 0) {
				t.Error("API keys configured while API key mode is off, or the reverse")
			}
			if got := strings.Join(a.warnings, "; "); !strings.Contains(got, tt.warnings) || (tt.warnings == "") != (got == "") {
				t.Errorf("warnings %q, want %q", got, tt.warnings)
			}
		})
	}
}
