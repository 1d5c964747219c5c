package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// DevIssuer is the sandbox's local OpenID Connect issuer. It signs tokens
// shaped like a Cognito user pool's, so rules can be tried without a cloud
// account, and serves its discovery document and JWKS so those tokens are
// checked by the same code as any issuer's: nothing trusts them specially.
// `quarry serve` never builds one.
type DevIssuer struct {
	issuer   string
	clientID string
	key      jwk.Key // private, with kid and alg
	alg      jwa.SignatureAlgorithm
	jwks     []byte
	now      func() time.Time
}

// DevIssuerConfig configures NewDevIssuer.
type DevIssuerConfig struct {
	// Issuer is the URL the handler is reachable at, for example
	// http://127.0.0.1:4300/auth/dev; tokens carry it as iss.
	Issuer string
	// KeyFile holds the signing key (a private JWK, mode 0600). It is
	// created when missing and reused otherwise, so tokens survive restarts.
	KeyFile string
	// KeyType is "RSA" (RS256, the default, as Cognito) or "EC" (ES256),
	// used only when the key is created.
	KeyType string
	// ClientID goes into client_id (access tokens) or aud (id tokens).
	// Empty means "quarry-sandbox".
	ClientID string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DevToken describes a token to sign.
type DevToken struct {
	Username string
	Groups   []string
	// TTL is the lifetime: 0 means one hour.
	TTL time.Duration
	// TokenUse is "access" (default; what the real client sends) or "id".
	TokenUse string
	// Extra claims, added last (they may override the defaults).
	Extra map[string]any
}

// NewDevIssuer loads or creates the signing key in cfg.KeyFile.
func NewDevIssuer(cfg DevIssuerConfig) (*DevIssuer, error) {
	if err := checkURL(cfg.Issuer, false); err != nil {
		return nil, fmt.Errorf("dev issuer: %w", err)
	}
	if cfg.KeyFile == "" {
		return nil, errors.New("dev issuer: no key file")
	}
	d := &DevIssuer{issuer: strings.TrimSuffix(cfg.Issuer, "/"), clientID: cfg.ClientID, now: cfg.Now}
	if d.clientID == "" {
		d.clientID = "quarry-sandbox"
	}
	if d.now == nil {
		d.now = time.Now
	}
	key, err := loadOrCreateKey(cfg.KeyFile, cfg.KeyType)
	if err != nil {
		return nil, fmt.Errorf("dev issuer: %w", err)
	}
	d.key = key
	switch key.KeyType() {
	case jwa.RSA():
		d.alg = jwa.RS256()
	case jwa.EC():
		d.alg = jwa.ES256()
	default:
		return nil, fmt.Errorf("dev issuer: key in %s is %s, want RSA or EC", cfg.KeyFile, key.KeyType())
	}
	pub, err := key.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("dev issuer: %w", err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(pub); err != nil {
		return nil, fmt.Errorf("dev issuer: %w", err)
	}
	if d.jwks, err = json.Marshal(set); err != nil {
		return nil, fmt.Errorf("dev issuer: %w", err)
	}
	return d, nil
}

func loadOrCreateKey(path, kty string) (jwk.Key, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		key, err := jwk.ParseKey(b)
		if err != nil {
			// The file's content is a private key: do not echo it.
			return nil, fmt.Errorf("key file %s is not a JWK", path)
		}
		if priv, err := jwk.IsPrivateKey(key); err != nil || !priv {
			return nil, fmt.Errorf("key file %s holds no private key", path)
		}
		if _, ok := key.KeyID(); !ok {
			return nil, fmt.Errorf("key file %s: key has no kid", path)
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	var raw any
	switch strings.ToUpper(kty) {
	case "", "RSA":
		raw, err = rsa.GenerateKey(rand.Reader, 2048)
	case "EC":
		raw, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("key type %q: want RSA or EC", kty)
	}
	if err != nil {
		return nil, err
	}
	key, err := jwk.Import(raw)
	if err != nil {
		return nil, err
	}
	if err := jwk.AssignKeyID(key); err != nil {
		return nil, err
	}
	if b, err = json.Marshal(key); err != nil {
		return nil, err
	}
	if err := writePrivate(path, b); err != nil {
		return nil, err
	}
	return key, nil
}

// writePrivate writes b to path with mode 0600 through a temporary file and
// a rename, so a crash never leaves half a key behind.
func writePrivate(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".devkey-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }()
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Issuer is the iss of the tokens.
func (d *DevIssuer) Issuer() string { return d.issuer }

// ClientID is the client id of the tokens.
func (d *DevIssuer) ClientID() string { return d.clientID }

// Provider is the OIDC configuration that accepts this issuer's tokens, as
// a user pool (its tokens look like Cognito's).
func (d *DevIssuer) Provider() OIDCProvider {
	return OIDCProvider{Issuer: d.issuer, Provider: ProviderUserPools, ClientIDs: []string{d.clientID}}
}

// DevSub is the sub the dev issuer gives username: a UUID (version 5) derived
// from the name only, so the same user keeps the same sub, and the rows it
// owns, across restarts and even a new key.
func DevSub(username string) string {
	// A fixed namespace UUID for Quarry's sandbox users.
	ns := [16]byte{0x6b, 0x7a, 0x51, 0x2e, 0x0c, 0x3d, 0x4f, 0x1b, 0x9a, 0x3e, 0x51, 0x75, 0x61, 0x72, 0x72, 0x79}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(username))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50 // version 5
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// Token signs a token for t.Username.
func (d *DevIssuer) Token(t DevToken) (string, error) {
	if t.Username == "" {
		return "", errors.New("dev token: no username")
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	now := d.now().Truncate(time.Second)
	tok := jwt.New()
	claims := map[string]any{
		jwt.SubjectKey:    DevSub(t.Username),
		jwt.IssuerKey:     d.issuer,
		jwt.IssuedAtKey:   now,
		jwt.ExpirationKey: now.Add(ttl),
		"auth_time":       now.Unix(),
	}
	switch t.TokenUse {
	case "", "access":
		claims["token_use"] = "access"
		claims["client_id"] = d.clientID
		claims["username"] = t.Username
		claims["scope"] = "aws.cognito.signin.user.admin"
	case "id":
		claims["token_use"] = "id"
		claims[jwt.AudienceKey] = []string{d.clientID}
		claims["cognito:username"] = t.Username
	default:
		return "", fmt.Errorf("dev token: token use %q: want access or id", t.TokenUse)
	}
	if len(t.Groups) > 0 {
		claims["cognito:groups"] = t.Groups
	}
	for k, v := range t.Extra {
		claims[k] = v
	}
	for k, v := range claims {
		if err := tok.Set(k, v); err != nil {
			return "", fmt.Errorf("dev token: claim %s: %w", k, err)
		}
	}
	b, err := jwt.Sign(tok, jwt.WithKey(d.alg, d.key))
	if err != nil {
		return "", fmt.Errorf("dev token: signing: %w", err)
	}
	return string(b), nil
}

// ServeHTTP serves the discovery document and the JWKS. It matches on the
// path's end, so it works mounted under the issuer's path with or without
// http.StripPrefix.
func (d *DevIssuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var body []byte
	switch {
	case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		body, _ = json.Marshal(map[string]any{
			"issuer":                                d.issuer,
			"jwks_uri":                              d.issuer + "/.well-known/jwks.json",
			"response_types_supported":              []string{"token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{d.alg.String()},
		})
	case strings.HasSuffix(r.URL.Path, "/.well-known/jwks.json"):
		body = d.jwks
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
}
