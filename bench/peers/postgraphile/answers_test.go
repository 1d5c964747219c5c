package postgraphile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/quarrydata/quarry/bench/peers/workload"
)

// The answers test needs running servers on the same bench database,
// given by base URL (http://127.0.0.1:PORT) in these variables; without
// PEERS_QUARRY_URL it is skipped. start.sh runs PostGraphile; Quarry is
// `quarry serve` with --max-list-limit 10000 and an API key.
const (
	envQuarry    = "PEERS_QUARRY_URL"
	envQuarryKey = "PEERS_QUARRY_KEY" // default da2-quarry-peers, the driver's
	envPG5       = "PEERS_POSTGRAPHILE5_URL"
	envPG4       = "PEERS_POSTGRAPHILE4_URL"
)

// requestIDs are the request numbers whose variables are tried: the first
// and last album, one between, and (for the write) ids far above the
// benchmark's so a run on the same database cannot collide.
var requestIDs = []int64{0, 41, workload.Albums - 1, 900_000_000}

// TestAnswers sends every PostGraphile workload to Quarry and to each
// PostGraphile given, and checks that the answers carry the same scalars
// in the same order, as the driver's verification does before measuring.
func TestAnswers(t *testing.T) {
	quarry := os.Getenv(envQuarry)
	if quarry == "" {
		t.Skipf("%s not set: no servers to ask", envQuarry)
	}
	key := os.Getenv(envQuarryKey)
	if key == "" {
		key = "da2-quarry-peers"
	}
	peers := map[string]string{"postgraphile5": os.Getenv(envPG5), "postgraphile4": os.Getenv(envPG4)}
	for _, w := range postgraphileWorkloads() {
		t.Run(w.Name, func(t *testing.T) {
			for name, base := range peers {
				if base == "" {
					continue
				}
				doc, err := peerDocument(w, name)
				if err != nil {
					t.Fatal(err)
				}
				for _, i := range requestIDs {
					var vars map[string]any
					if w.Vars != nil {
						vars = w.Vars(i)
					}
					want, err := ask(quarry, key, w.Quarry, vars)
					if err != nil {
						t.Fatalf("Quarry, request %d: %v", i, err)
					}
					got, err := ask(base, "", doc, vars)
					if err != nil {
						t.Fatalf("%s, request %d: %v", name, i, err)
					}
					if d := diff(want, got); d != "" {
						t.Errorf("%s, request %d (variables %v): %s", name, i, vars, d)
					}
					if w.Vars == nil {
						break // the same request every time
					}
				}
			}
		})
	}
}

// peerDocument reads the document version 4 or 5 answers for w.
func peerDocument(w workload.Workload, peer string) (string, error) {
	files, err := queryFiles(w)
	if err != nil {
		return "", err
	}
	f := files[0]
	if peer == "postgraphile4" && len(files) > 1 {
		f = files[1]
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return "", fmt.Errorf("query file: %w", err)
	}
	return string(b), nil
}

// ask posts a GraphQL request and returns the answer's leaves.
func ask(base, apiKey, query string, vars map[string]any) ([]string, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, fmt.Errorf("encoding request: %w", err)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("content-type", "application/json")
	if apiKey != "" {
		req.Header.Set("x-api-key", apiKey)
	}
	client := http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("posting to %s: %w", base, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s: %.300s", resp.Status, b)
	}
	return leaves(b)
}

// leaves reduces an answer to its scalars in document order, each list
// adding its length before its elements; key names are left out, since
// PostGraphile names things its own way (trackId, nodes, invoiceLine).
func leaves(body []byte) ([]string, error) {
	var top struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("answer is not JSON (%w): %.300s", err, body)
	}
	if len(top.Errors) > 0 && string(top.Errors) != "null" {
		return nil, fmt.Errorf("answer has errors: %.500s", top.Errors)
	}
	dec := json.NewDecoder(bytes.NewReader(top.Data))
	dec.UseNumber()
	var out []string
	if err := walk(dec, &out); err != nil {
		return nil, fmt.Errorf("reading data: %w", err)
	}
	return out, nil
}

func walk(dec *json.Decoder, out *[]string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		at, n := len(*out), 0
		if t == '[' {
			*out = append(*out, "")
		}
		for dec.More() {
			if t == '{' {
				if _, err := dec.Token(); err != nil { // the key
					return err
				}
			}
			if err := walk(dec, out); err != nil {
				return err
			}
			n++
		}
		if t == '[' {
			(*out)[at] = "len:" + strconv.Itoa(n)
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case json.Number:
		*out = append(*out, canonNumber(string(t)))
	case string:
		*out = append(*out, canonString(t))
	case bool:
		*out = append(*out, "b:"+strconv.FormatBool(t))
	case nil:
		*out = append(*out, "null")
	}
	return nil
}

var numeric = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// canonNumber writes a number as an exact fraction: PostGraphile sends
// numerics as strings ("0.99"), Quarry as JSON numbers.
func canonNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "n?:" + s
	}
	return "n:" + r.RatString()
}

// canonString compares timestamps as instants: PostGraphile sends a
// timestamp without zone as "2024-01-01T00:01:01" (v4) or with
// microseconds (v5), Quarry as "2024-01-01T00:01:01.000Z".
func canonString(s string) string {
	if numeric.MatchString(s) {
		return canonNumber(s)
	}
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(l, s); err == nil {
			return "t:" + t.UTC().Format(time.RFC3339Nano)
		}
	}
	return "s:" + s
}

// diff is "" when the leaves are equal, else where they first differ.
func diff(want, got []string) string {
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			at := func(ls []string) string {
				if i < len(ls) {
					return ls[i]
				}
				return "(end)"
			}
			return fmt.Sprintf("leaf %d of %d/%d: Quarry %s, PostGraphile %s", i, len(want), len(got), at(want), at(got))
		}
	}
	return ""
}
