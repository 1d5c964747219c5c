package plan

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/quarrydata/quarry/internal/qerr"
)

// Tokens mints and reads nextToken values. A token holds the primary key
// of the last row of a page (so the next page starts after it, and rows
// inserted meanwhile are neither skipped nor repeated) and a fingerprint
// of the query it belongs to, signed with HMAC-SHA256: a token edited by
// hand, or replayed with another filter or order, is refused.
type Tokens struct {
	key []byte
}

// NewTokens returns a codec signing with key. Instances that serve the
// same API must share the key for tokens to work across them.
func NewTokens(key []byte) *Tokens { return &Tokens{key: append([]byte(nil), key...)} }

type tokenBody struct {
	After []any  `json:"a"`
	Query string `json:"q"`
}

// Mint returns the token for a page that ended at the row with key values
// after, for the query whose fingerprint is query.
func (t *Tokens) Mint(after json.RawMessage, query string) (string, error) {
	// Keys stay exact: a 64-bit key through float64 would point the next
	// page at the wrong row.
	var vals []any
	dec := json.NewDecoder(bytes.NewReader(after))
	dec.UseNumber()
	if err := dec.Decode(&vals); err != nil {
		return "", qerr.Wrap(qerr.Internal, "cannot read a page's last key", err)
	}
	body, err := json.Marshal(tokenBody{After: vals, Query: query})
	if err != nil {
		return "", qerr.Wrap(qerr.Internal, "cannot mint nextToken", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(body) + "." + enc.EncodeToString(t.sign(body)), nil
}

// Read checks token and returns the key values the page starts after.
func (t *Tokens) Read(token, query string) ([]any, error) {
	bad := qerr.New(qerr.Validation, "nextToken is not valid for this query: pass the nextToken of the previous page of the same query unchanged")
	b64, sig, ok := strings.Cut(token, ".")
	if !ok {
		return nil, bad
	}
	enc := base64.RawURLEncoding
	body, err1 := enc.DecodeString(b64)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, t.sign(body)) {
		return nil, bad
	}
	var tb tokenBody
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&tb); err != nil || tb.Query != query || len(tb.After) == 0 {
		return nil, bad
	}
	return tb.After, nil
}

func (t *Tokens) sign(body []byte) []byte {
	h := hmac.New(sha256.New, t.key)
	h.Write(body)
	return h.Sum(nil)[:16]
}
