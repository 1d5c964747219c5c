package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/qerr"
)

func TestTokensRoundTripAndRefuseForgeries(t *testing.T) {
	tk := NewTokens([]byte("test key"))
	tok, err := tk.Mint(json.RawMessage(`[42, "a'b"]`), "listTracks|filter-hash|ASC")
	if err != nil {
		t.Fatal(err)
	}
	after, err := tk.Read(tok, "listTracks|filter-hash|ASC")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 2 || after[0].(json.Number).String() != "42" || after[1] != "a'b" {
		t.Fatalf("after = %#v", after)
	}
	body, sig, _ := strings.Cut(tok, ".")
	forged := []string{
		"", "abc", tok + "x", body + ".", "." + sig,
		strings.Replace(tok, body[:4], "AAAA", 1),
		"eyJhIjpbMV0sInEiOiJsaXN0VHJhY2tzfGZpbHRlci1oYXNofEFTQyJ9." + sig,
	}
	for _, f := range forged {
		if _, err := tk.Read(f, "listTracks|filter-hash|ASC"); qerr.KindOf(err) != qerr.Validation {
			t.Errorf("forged %q accepted: %v", f, err)
		}
	}
	if _, err := tk.Read(tok, "listTracks|other-filter|ASC"); err == nil {
		t.Error("a token was accepted for another query")
	}
	if _, err := NewTokens([]byte("other key")).Read(tok, "listTracks|filter-hash|ASC"); err == nil {
		t.Error("a token was accepted under another key")
	}
}

func TestTokensKeep64BitKeysExact(t *testing.T) {
	tk := NewTokens([]byte("k"))
	tok, err := tk.Mint(json.RawMessage(`[9007199254740993]`), "q")
	if err != nil {
		t.Fatal(err)
	}
	after, err := tk.Read(tok, "q")
	if err != nil {
		t.Fatal(err)
	}
	if got := after[0].(json.Number).String(); got != "9007199254740993" {
		t.Fatalf("key = %s, want 9007199254740993", got)
	}
}
