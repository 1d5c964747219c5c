package plan

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// Pages lists the nested connections of one root field that select
// nextToken, so that their page markers (see Page) can become tokens.
type Pages struct {
	// Marker is a random nonce chosen for this plan. It reaches the
	// database only as a bound argument and leaves in no response: every
	// marker is replaced by a token.
	Marker string
	pages  []nestedQuery
}

// nestedQuery is what decides a nested connection's rows and order, but
// for the parent, whose key values the marker carries.
type nestedQuery struct {
	field  string
	filter any
	desc   bool
	sort   []string // sortBy, as the root list's fingerprint keeps it
	parent []*schema.Field
}

// add registers a nested connection and returns its Page.
func (p *Pages) add(q nestedQuery) *Page {
	if p.Marker == "" {
		var nonce [16]byte
		rand.Read(nonce[:]) // never fails (crypto/rand since Go 1.24)
		p.Marker = hex.EncodeToString(nonce[:])
	}
	p.pages = append(p.pages, q)
	return &Page{Marker: p.Marker, ID: len(p.pages) - 1, Parent: q.parent}
}

// fingerprint ties a nested token to its relationship, filter and order
// and to the parent's key values, so a token from one album's tracks
// cannot page another album's. parent are coerced key values.
func (q nestedQuery) fingerprint(parent []any) string {
	if q.sort != nil {
		return fingerprint(q.field, q.filter, q.desc, parent, q.sort)
	}
	return fingerprint(q.field, q.filter, q.desc, parent)
}

// nestedField names a relationship in fingerprints; root lists use their
// field name, which holds no colon, so the two cannot meet.
func nestedField(m *schema.Model, rel *schema.Relationship) string {
	return "nested:" + m.Name + "." + rel.Name
}

// Mint turns one marker (the JSON array described at Page) into a signed
// token.
func (p *Pages) Mint(t *Tokens, marker json.RawMessage) (string, error) {
	var m []json.RawMessage
	if err := json.Unmarshal(marker, &m); err != nil || len(m) != 4 {
		return "", qerr.Wrap(qerr.Internal, "cannot read a nested page marker", err)
	}
	var id int
	if err := json.Unmarshal(m[1], &id); err != nil || id < 0 || id >= len(p.pages) {
		return "", qerr.New(qerr.Internal, fmt.Sprintf("nested page marker names no page (%s)", m[1]))
	}
	q := p.pages[id]
	dec := json.NewDecoder(bytes.NewReader(m[2]))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil || len(raw) != len(q.parent) {
		return "", qerr.Wrap(qerr.Internal, "cannot read a nested page's parent key", err)
	}
	parent := make([]any, len(raw))
	for i, v := range raw {
		// The database wrote the key as stored: enum values stay as they are.
		cv, err := coerceAs(q.parent[i], v, "parent key", asStored)
		if err != nil {
			return "", qerr.Wrap(qerr.Internal, "cannot read a nested page's parent key", err)
		}
		parent[i] = cv
	}
	return t.Mint(m[3], q.fingerprint(parent))
}
