package cli

// HTTP, direct SQL and result helpers of the API end-to-end suite (api_e2e_test.go).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/schema"
)

// ---------------------------------------------------------------------
// HTTP

type gqlError struct {
	Message   string `json:"message"`
	ErrorType string `json:"errorType"`
	Path      []any  `json:"path"`
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
	raw    []byte
}

// send posts a request as the client does (§3.1): no operationName,
// variables always present.
func (a *chinookAPI) send(url, query string, vars any) (*gqlResponse, error) {
	if vars == nil {
		vars = M{}
	}
	body, err := json.Marshal(M{"query": query, "variables": a.vars(vars)})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("x-api-key", a.key)
	req.Header.Set("x-amz-user-agent", "aws-amplify/6.22.1 api/1 framework/100")
	req.Header.Set("content-type", "application/json; charset=UTF-8")
	req.Header.Set("accept", "*/*")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
	}
	out := &gqlResponse{raw: raw}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return nil, fmt.Errorf("%s: %v", raw, err)
	}
	return out, nil
}

func (a *chinookAPI) post(t *testing.T, query string, vars any) *gqlResponse {
	t.Helper()
	r, err := a.send(a.url, query, vars)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	return r
}

// ok posts and returns the one root field's value, failing on errors.
func (a *chinookAPI) ok(t *testing.T, query string, vars any) any {
	t.Helper()
	r := a.post(t, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s\nquery:\n%s\nvariables: %v", r.raw, query, vars)
	}
	return rootValue(t, r)
}

func rootValue(t *testing.T, r *gqlResponse) any {
	t.Helper()
	if len(r.Data) != 1 {
		t.Fatalf("data must hold exactly one root field (the client reads the first key): %s", r.raw)
	}
	for _, v := range r.Data {
		return v
	}
	return nil
}

// failed posts a request that must fail on its one root field, with data
// {"<root>": null} or null, and returns the error.
func (a *chinookAPI) failed(t *testing.T, url, query string, vars any) gqlError {
	t.Helper()
	r, err := a.send(url, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 1 {
		t.Fatalf("want one error, got %s", r.raw)
	}
	for _, v := range r.Data {
		if v != nil {
			t.Fatalf("a failed root field must be null: %s", r.raw)
		}
	}
	return r.Errors[0]
}

// page is one list response.
type page struct {
	items     []map[string]any // in PostgreSQL's names
	nextToken string
}

func (a *chinookAPI) list(t *testing.T, model, selection string, vars M) page {
	t.Helper()
	v := a.ok(t, a.listDoc(model, selection), vars)
	conn, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("list%s: %v", model, v)
	}
	if tn := conn["__typename"]; tn != "Model"+schema.UpperFirst(a.n(model))+"Connection" {
		t.Errorf("__typename = %v", tn)
	}
	var p page
	for _, it := range conn["items"].([]any) {
		p.items = append(p.items, a.neutral(it).(map[string]any))
	}
	p.nextToken, _ = conn["nextToken"].(string)
	return p
}

// listAll follows nextToken to the end and returns every item.
func (a *chinookAPI) listAll(t *testing.T, model, selection string, filter any, limit int) []map[string]any {
	t.Helper()
	var all []map[string]any
	vars := M{"limit": limit}
	if filter != nil {
		vars["filter"] = filter
	}
	for range 100 {
		p := a.list(t, model, selection, vars)
		all = append(all, p.items...)
		if p.nextToken == "" {
			return all
		}
		vars["nextToken"] = p.nextToken
	}
	t.Fatal("more than 100 pages")
	return nil
}

// keyOf names a row by its key values, "1" or "1/3402".
func keyOf(model string, row map[string]any) string {
	var parts []string
	for _, k := range chinookKey(model) {
		parts = append(parts, fmt.Sprint(row[k]))
	}
	return strings.Join(parts, "/")
}

// ---------------------------------------------------------------------
// Direct SQL, to count what the API should see

func (a *chinookAPI) count(t *testing.T, table, where string) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM " + a.n(table)
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := a.db.SQL.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (a *chinookAPI) tableCounts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"album", "artist", "customer", "employee", "genre", "invoice", "invoice_line",
		"media_type", "playlist", "playlist_track", "track"} {
		out[table] = a.count(t, table, "")
	}
	return out
}

// ---------------------------------------------------------------------
// Helpers for results

func canonical(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	return string(raw)
}

func equalJSON(a, b any) bool { return canonical(a) == canonical(b) }

// around shows s near its first difference from other.
func around(s, other string) string {
	i := 0
	for i < len(s) && i < len(other) && s[i] == other[i] {
		i++
	}
	from, to := max(0, i-150), min(len(s), i+150)
	out := s[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(s) {
		out += "…"
	}
	return out
}

func keys(model string, rows []map[string]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = keyOf(model, r)
	}
	return out
}
