package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/bench/peers/workload"
)

// TestSameAsQuarry compares, for every workload, the floor's answer with
// Quarry's, both already running (the test starts nothing):
//
//	QUARRY_PEERS_QUARRY=http://127.0.0.1:18401/graphql QUARRY_PEERS_KEY=da2-peers \
//	QUARRY_PEERS_FLOOR=http://127.0.0.1:18411 [QUARRY_PEERS_TOKEN=<JWT of user-1>] \
//	QUARRY_PEERS_MYSQL=1 go test ./bench/peers/floor -run SameAsQuarry -v
//
// QUARRY_PEERS_MYSQL=1 says both run on MariaDB (only MySQL workloads are
// compared). With QUARRY_PEERS_TOKEN the Rule workload is sent to Quarry
// with that token instead of the API key. The answers must be the same
// JSON token for token (keys, order, strings), numbers compared by value.
func TestSameAsQuarry(t *testing.T) {
	quarry, floor := os.Getenv("QUARRY_PEERS_QUARRY"), os.Getenv("QUARRY_PEERS_FLOOR")
	if quarry == "" || floor == "" {
		t.Skip("set QUARRY_PEERS_QUARRY and QUARRY_PEERS_FLOOR to running servers to compare them")
	}
	key, token := os.Getenv("QUARRY_PEERS_KEY"), os.Getenv("QUARRY_PEERS_TOKEN")
	mysqlRun := os.Getenv("QUARRY_PEERS_MYSQL") != ""
	client := &http.Client{Timeout: 30 * time.Second}
	// Writes need ids no other run used.
	base := time.Now().UnixNano() % 1_000_000 * 10
	for _, w := range workload.All() {
		if mysqlRun && !w.MySQL {
			continue
		}
		t.Run(w.Name, func(t *testing.T) {
			for _, i := range []int64{0, 1, 346, 1000} {
				if w.Write {
					i += base
				}
				var vars map[string]any
				if w.Vars != nil {
					vars = w.Vars(i)
				}
				body, err := json.Marshal(map[string]any{"query": w.Quarry, "variables": vars})
				if err != nil {
					t.Fatal(err)
				}
				h := map[string]string{"x-api-key": key}
				if w.Rule && token != "" {
					h = map[string]string{"authorization": token}
				}
				want := post(t, client, quarry, body, h)
				got := post(t, client, strings.TrimRight(floor, "/")+"/"+w.Name, body, nil)
				if err := sameJSON(want, got); err != nil {
					t.Fatalf("request %d: %v\nquarry: %.600s\nfloor:  %.600s", i, err, want, got)
				}
			}
		})
	}
}

func post(t *testing.T, c *http.Client, url string, body []byte, headers map[string]string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		t.Fatalf("%s: %s: %.600s", url, resp.Status, out)
	}
	return out
}

// sameJSON compares two JSON texts token by token, numbers by value.
func sameJSON(a, b []byte) error {
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	for n := 0; ; n++ {
		ta, ea := da.Token()
		tb, eb := db.Token()
		if errors.Is(ea, io.EOF) && errors.Is(eb, io.EOF) {
			return nil
		}
		if ea != nil || eb != nil {
			return fmt.Errorf("token %d: %v / %v", n, ea, eb)
		}
		na, okA := ta.(json.Number)
		nb, okB := tb.(json.Number)
		if okA && okB {
			ra, _ := new(big.Rat).SetString(string(na))
			rb, _ := new(big.Rat).SetString(string(nb))
			if ra == nil || rb == nil || ra.Cmp(rb) != 0 {
				return fmt.Errorf("token %d: %v != %v", n, na, nb)
			}
			continue
		}
		if ta != tb {
			return fmt.Errorf("token %d: %#v != %#v", n, ta, tb)
		}
	}
}

func TestSameJSON(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{`{"a": [1, "x", null]}`, `{"a":[1,"x",null]}`, true},
		{`{"p": 693.00}`, `{"p": 693}`, true},
		{`{"p": 0.99}`, `{"p": 0.98}`, false},
		{`{"a": "x"}`, `{"b": "x"}`, false},
		{`[1, 2]`, `[2, 1]`, false},
		{`[1, 2]`, `[1, 2, 3]`, false},
		{`{"a": null}`, `{"a": {}}`, false},
	} {
		if err := sameJSON([]byte(c.a), []byte(c.b)); (err == nil) != c.same {
			t.Errorf("sameJSON(%s, %s) = %v, want same=%v", c.a, c.b, err, c.same)
		}
	}
}
