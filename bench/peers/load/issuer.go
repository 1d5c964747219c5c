package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/quarrydata/quarry/bench/peers/workload"
	"github.com/quarrydata/quarry/internal/auth"
)

// The owner-rule contestant is Quarry verifying a real JWT on every
// request, as it would one from Cognito or Auth0: signature against the
// issuer's JWKS (fetched once over HTTP and cached), issuer, audience,
// expiry. The issuer is Quarry's own development issuer (internal/auth's
// DevIssuer, the sandbox's), run here as a small process: `load issuer`
// serves its discovery document and JWKS, and `load run` signs the token
// with the same key file. Its key is made at the first run and kept in the
// work directory, so a driver run against an already running Quarry signs
// with the key that Quarry has cached.

// ClientID is the audience of the bench's tokens and the clientId of the
// rule instance's userPoolAuthorizationMode.
const clientID = "quarry-peers"

// tokenTTL outlives any run: Quarry refuses expired tokens, and a token
// re-signed mid-run would change nothing but the measurement.
const tokenTTL = 24 * time.Hour

func newIssuer(issuerURL, keyFile string) (*auth.DevIssuer, error) {
	// RS256, as Cognito and most issuers sign, so the verification cost
	// measured is the one a deployment pays (an ES256 signature takes Go
	// about twice as long to verify).
	iss, err := auth.NewDevIssuer(auth.DevIssuerConfig{Issuer: issuerURL, KeyFile: keyFile, KeyType: "RSA", ClientID: clientID})
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	return iss, nil
}

// ownerToken signs an access token for workload.Owner.
func ownerToken(issuerURL, keyFile string) (string, error) {
	iss, err := newIssuer(issuerURL, keyFile)
	if err != nil {
		return "", err
	}
	tok, err := iss.Token(auth.DevToken{Username: workload.Owner, TTL: tokenTTL})
	if err != nil {
		return "", fmt.Errorf("signing the owner's token: %w", err)
	}
	return tok, nil
}

// cmdIssuer serves the issuer until SIGTERM; "ready" on stdout once it
// listens.
func cmdIssuer(args []string) error {
	fs := flag.NewFlagSet("issuer", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18190", "address to listen on; the issuer URL is http://<addr>")
	key := fs.String("key", "", "private key file (JWK), created when missing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *key == "" {
		return errors.New("issuer: -key is required")
	}
	iss, err := newIssuer("http://"+*addr, *key)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	srv := &http.Server{Handler: iss, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Println("ready")
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("issuer: %w", err)
	}
	return nil
}

// cmdToken prints the owner's token, for trying the rule instance by hand
// (curl -H "authorization: $(load token ...)").
func cmdToken(args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	issuer := fs.String("issuer", "http://127.0.0.1:18190", "issuer URL (as `load issuer` serves it)")
	key := fs.String("key", "", "the issuer's key file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tok, err := ownerToken(*issuer, *key)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
