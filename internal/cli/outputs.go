package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/codegen"
)

// servedAPI loads the schema in dataDir and builds the public schema the
// server would serve for it. No database is opened: the schema files say
// everything the API looks like.
func servedAPI(ctx context.Context, dataDir string) (*api.Schema, error) {
	s, err := loadSchema(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	a, err := api.Build(s)
	if err != nil {
		return nil, fmt.Errorf("build the API of %s: %w", dataDir, err)
	}
	return a, nil
}

func (e *env) generateOutputsCommand() *cobra.Command {
	var dataDir, rawURL, out, keysSecret, region string
	cmd := &cobra.Command{
		Use:   "outputs --url URL",
		Short: "Write amplify_outputs.json for a deployed API, without running the sandbox",
		Long: `Write the amplify_outputs.json that points the aws-amplify client at an API
already running elsewhere (quarry serve behind https://api.example.com, say):
the data section with --url, the authorization modes the schema in --data
accepts, and the model introspection client.models is built from. Nothing is
started and no database is opened.

--url is the GraphQL endpoint; an address with no path gets /graphql, where
quarry serve answers. The client opens wss:// on the same host and port for
subscriptions, so the server there must speak TLS (quarry serve --tls-cert, or
a TLS proxy in front).

An API key is written only when --api-keys-secret names the secret holding the
keys the server accepts (the same API_KEYS secret quarry serve reads; the first
unexpired key is used). It is never printed. Without it, calls with authMode
'apiKey' are refused by the server.`,
		Example: `  quarry generate outputs --url https://api.example.com
  API_KEYS=da2-… quarry generate outputs --url https://api.example.com/graphql \
      --api-keys-secret API_KEYS --out web/src/amplify_outputs.json`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.generateOutputs(cmd.Context(), dataDir, rawURL, out, keysSecret, region)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", "amplify/data", "folder holding the schema files (as for quarry serve)")
	cmd.Flags().StringVar(&rawURL, "url", "", "the deployed API's GraphQL endpoint, https://host[:port][/path] (required); no path means /graphql")
	cmd.Flags().StringVar(&out, "out", "amplify_outputs.json", "file to write")
	cmd.Flags().StringVar(&keysSecret, "api-keys-secret", "", "secret holding the API keys the server accepts (as quarry serve's API_KEYS); default: no key in the file")
	cmd.Flags().StringVar(&region, "region", "us-east-1", "aws_region written to the file; the client uses it only to sign IAM requests")
	return cmd
}

func (e *env) generateOutputs(ctx context.Context, dataDir, rawURL, out, keysSecret, region string) error {
	endpoint, err := endpointURL(rawURL)
	if err != nil {
		return err
	}
	s, err := loadSchema(ctx, dataDir)
	if err != nil {
		return err
	}
	if _, err := api.Build(s); err != nil {
		return fmt.Errorf("build the API of %s: %w", dataDir, err)
	}
	acc := acceptedModes(s, nil, nil)
	e.warn(acc)
	if acc.defaultType == "" {
		return fmt.Errorf("%s enables no authorization mode the client can use: configure one in @authorizationModes (or resource.ts authorizationModes)", dataDir)
	}
	o := codegen.Outputs{URL: endpoint, Region: region, DefaultAuthType: acc.defaultType, AuthTypes: acc.types}
	switch {
	case keysSecret != "" && !acc.apiKey:
		return usageError{fmt.Errorf("--api-keys-secret: the API does not accept API keys (its authorization modes have no apiKeyAuthorizationMode and no rule allows an API key); leave the flag out")}
	case keysSecret != "":
		if o.APIKey, err = e.firstAPIKey(keysSecret); err != nil {
			return err
		}
	case acc.apiKey:
		fmt.Fprintf(e.stderr, "Note: the API accepts API keys but no key is written (--api-keys-secret API_KEYS writes one): calls with authMode 'apiKey' will be refused\n")
	}
	raw, err := codegen.OutputsJSON(s, o)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(out, raw); err != nil {
		return err
	}
	keyNote := "no API key"
	if o.APIKey != "" {
		keyNote = "the API key from secret " + keysSecret
	}
	fmt.Fprintf(e.stderr, "Wrote %s: %s, default auth %s, %d models, %s\n", out, endpoint, o.DefaultAuthType, len(s.Models), keyNote)
	if strings.HasPrefix(endpoint, "http://") {
		fmt.Fprintln(e.stderr, "Note: the client opens wss:// on the same host and port for subscriptions: serve TLS there (quarry serve --tls-cert) or use an https:// URL")
	}
	return nil
}

// endpointURL checks --url and makes it the endpoint the client POSTs to
// verbatim (amplify-client-wire.md §1, §6.1): an origin gets /graphql.
func endpointURL(raw string) (string, error) {
	bad := func(why string) error {
		return usageError{fmt.Errorf("--url %q: %s; give the API's endpoint, e.g. --url https://api.example.com/graphql", raw, why)}
	}
	if raw == "" {
		return "", usageError{fmt.Errorf("--url is required: the address of the deployed API, e.g. --url https://api.example.com/graphql")}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", bad("not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("the scheme must be https:// (or http://)")
	case u.Host == "" || u.Hostname() == "":
		return "", bad("no host")
	case u.User != nil:
		// The file ships to every client.
		return "", bad("credentials do not belong in the URL")
	case u.RawQuery != "" || u.Fragment != "":
		// The client appends /realtime to the whole URL for subscriptions.
		return "", bad("no query string or fragment (the client appends /realtime to the URL for subscriptions)")
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/graphql"
	}
	return u.String(), nil
}

// firstAPIKey reads the keys secret (serve's format) and returns the first
// key that has not expired.
func (e *env) firstAPIKey(name string) (string, error) {
	raw, err := e.secret(name)
	if err != nil {
		return "", err
	}
	keys, err := parseKeys(raw)
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", name, err)
	}
	for _, k := range keys {
		e.redact.AddSecret(k.Value)
	}
	now := time.Now()
	for _, k := range keys {
		if k.Expires.IsZero() || now.Before(k.Expires) {
			return k.Value, nil
		}
	}
	if len(keys) == 0 {
		return "", fmt.Errorf("secret %s holds no API key", name)
	}
	return "", fmt.Errorf("every API key in secret %s has expired: add a new one (key:2027-01-31T00:00:00Z) to it and to the server's", name)
}
