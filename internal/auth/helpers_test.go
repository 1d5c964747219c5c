package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// clock is a settable clock shared by the authenticator and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Unix(1_800_000_000, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testIssuer is a real OIDC issuer on a local HTTP server: discovery
// document, JWKS, and keys the test signs with. It counts JWKS fetches.
type testIssuer struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	keys   map[string]jwk.Key // kid → private key
	pubs   []jwk.Key          // published, in order
	fetch  atomic.Int64
	issuer string // what discovery claims; defaults to the server URL
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	ti := &testIssuer{t: t, keys: map[string]jwk.Key{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		ti.mu.Lock()
		iss := ti.issuer
		ti.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": iss, "jwks_uri": ti.srv.URL + "/jwks"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		ti.fetch.Add(1)
		ti.mu.Lock()
		set := jwk.NewSet()
		for _, k := range ti.pubs {
			_ = set.AddKey(k)
		}
		ti.mu.Unlock()
		_ = json.NewEncoder(w).Encode(set)
	})
	ti.srv = httptest.NewServer(mux)
	ti.issuer = ti.srv.URL
	t.Cleanup(ti.srv.Close)
	return ti
}

// addKey creates a key ("RSA" or "EC"), publishes its public half under kid.
func (ti *testIssuer) addKey(kid, kty string) jwk.Key {
	ti.t.Helper()
	var raw any
	var err error
	if kty == "EC" {
		raw, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		raw, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		ti.t.Fatal(err)
	}
	priv, err := jwk.Import(raw)
	if err != nil {
		ti.t.Fatal(err)
	}
	_ = priv.Set(jwk.KeyIDKey, kid)
	pub, err := priv.PublicKey()
	if err != nil {
		ti.t.Fatal(err)
	}
	ti.mu.Lock()
	ti.keys[kid] = priv
	ti.pubs = append(ti.pubs, pub)
	ti.mu.Unlock()
	return priv
}

// sign signs claims with the key of kid, under alg.
func (ti *testIssuer) sign(kid string, alg jwa.SignatureAlgorithm, claims map[string]any) string {
	ti.t.Helper()
	ti.mu.Lock()
	key := ti.keys[kid]
	ti.mu.Unlock()
	return signWith(ti.t, key, alg, claims)
}

func signWith(t *testing.T, key jwk.Key, alg jwa.SignatureAlgorithm, claims map[string]any) string {
	t.Helper()
	payload, _ := json.Marshal(claims)
	b, err := jws.Sign(payload, jws.WithKey(alg, key))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rawJWT assembles a token from a header, claims and a signature of choice.
func rawJWT(header, claims map[string]any, sig []byte) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + enc.EncodeToString(sig)
}

// hs256WithPublicKey is the algorithm-confusion attack: an HS256 token whose
// HMAC secret is the issuer's public key in PEM, which anyone can read.
func hs256WithPublicKey(t *testing.T, pub jwk.Key, kid string, claims map[string]any) string {
	t.Helper()
	var rawPub rsa.PublicKey
	if err := jwk.Export(pub, &rawPub); err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rawPub)
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	h, _ := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT", "kid": kid})
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(m.Sum(nil))
}
