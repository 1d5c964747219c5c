package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/auth"
)

// sandboxTokenCommand prints tokens signed by the sandbox's own issuer,
// so rules can be tried as any user without a cloud account. serve has no
// such command: production tokens come from a real issuer.
func (e *env) sandboxTokenCommand() *cobra.Command {
	var user, provider, use, url string
	var groups []string
	var claims []string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a signed token for a sandbox user, to try auth rules",
		Long: `Print a JWT signed by the sandbox's token issuer for --user, in the groups
given. Send it as the Authorization header (with or without "Bearer "), or give
it to the aws-amplify client as its access token. The sandbox accepts it as a
user-pool token (rules with provider userPools, the default for owner,
private and groups rules), or with --provider oidc as an OIDC provider's
token. The user's sub is derived from the name, so the same user owns the
same rows across restarts; owner fields store "<sub>::<username>".

The token names the sandbox's URL as its issuer: the URL is read from
amplify_outputs.json (written when the sandbox starts); pass --url otherwise.`,
		Example: `  quarry sandbox token --user alice
  quarry sandbox token --user bob --groups Admin,Editors
  curl -s http://127.0.0.1:4000/graphql -H "authorization: $(quarry sandbox token --user alice)" \
    -H 'content-type: application/json' -d '{"query": "{ listTodos { items { id } } }"}'`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(user) == "" {
				return usageError{fmt.Errorf("--user is required: the username the token is for")}
			}
			path := devUserPoolPath
			switch provider {
			case "userPool", "userPools":
			case "oidc":
				path = devOIDCPath
			default:
				return usageError{fmt.Errorf("--provider must be userPool or oidc, not %q", provider)}
			}
			base := strings.TrimSuffix(url, "/graphql")
			if base == "" {
				root, err := e.projectDir()
				if err != nil {
					return err
				}
				if base, err = sandboxURL(root); err != nil {
					return err
				}
			}
			issuers, err := e.devIssuers(base)
			if err != nil {
				return err
			}
			iss := issuers[0]
			if path == devOIDCPath {
				iss = issuers[1]
			}
			extra := map[string]any{}
			for _, c := range claims {
				k, v, ok := strings.Cut(c, "=")
				if !ok || k == "" {
					return usageError{fmt.Errorf("--claim %q: write name=value (a JSON value, or text)", c)}
				}
				var jv any
				if json.Unmarshal([]byte(v), &jv) != nil {
					jv = v
				}
				extra[k] = jv
			}
			tok, err := iss.Token(auth.DevToken{Username: user, Groups: groups, TTL: ttl, TokenUse: use, Extra: extra})
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, tok)
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "username the token is for (required)")
	cmd.Flags().StringSliceVar(&groups, "groups", nil, "groups the user belongs to (cognito:groups), comma-separated")
	cmd.Flags().StringVar(&provider, "provider", "userPool", "which sandbox issuer signs it: userPool or oidc")
	cmd.Flags().StringVar(&use, "token-use", "access", "access (what the client sends) or id")
	cmd.Flags().DurationVar(&ttl, "ttl", time.Hour, "how long the token is valid")
	cmd.Flags().StringArrayVar(&claims, "claim", nil, "extra claim name=value (repeatable), e.g. --claim tenant=acme")
	cmd.Flags().StringVar(&url, "url", "", "the sandbox's URL (default: data.url from amplify_outputs.json)")
	return cmd
}

// sandboxURL reads the sandbox's base URL from the amplify_outputs.json it
// wrote under root.
func sandboxURL(root string) (string, error) {
	path := filepath.Join(root, "amplify_outputs.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read %s (%w): start `quarry sandbox` first; for a sandbox of another folder pass --project DIR (the token command the sandbox prints has it), or pass --url with the sandbox's URL", path, err)
	}
	var out struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Data.URL == "" {
		return "", fmt.Errorf("%s has no data.url: start `quarry sandbox` first, or pass --url", path)
	}
	return strings.TrimSuffix(out.Data.URL, "/graphql"), nil
}
