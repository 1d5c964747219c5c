package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Verification compares what each contestant answers with Quarry's answer
// before anything is measured, so a fast wrong answer cannot win. The
// contestants name things differently (PostGraphile says albumId and
// nodes, the floor follows Quarry), so the comparison ignores key names
// and keeps what matters: every scalar in document order, and every
// list's length. Values are compared canonically: "0.99" and 0.99 are the
// same number (PostGraphile sends numerics as strings), and timestamps are
// compared as instants (a zone-less "2024-01-01T00:01:01" is taken as UTC,
// as Quarry renders it "2024-01-01T00:01:01.000Z").

// leaf is one scalar of an answer, or one list's length.
type leaf struct {
	path  string // $.listTracks.items[3].name, for the diff only
	canon string // the compared value
	raw   string // the value as sent, for the diff
}

// leavesOf reduces a GraphQL answer to its leaves. An answer with errors,
// or without data, is an error carrying the answer's text.
func leavesOf(body []byte) ([]leaf, error) {
	var top struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("answer is not JSON (%w): %.300s", err, body)
	}
	if len(top.Errors) > 0 && !bytes.Equal(top.Errors, []byte("null")) {
		return nil, fmt.Errorf("answer has errors: %.500s", top.Errors)
	}
	if len(top.Data) == 0 || bytes.Equal(top.Data, []byte("null")) {
		return nil, fmt.Errorf("answer has no data: %.300s", body)
	}
	dec := json.NewDecoder(bytes.NewReader(top.Data))
	dec.UseNumber()
	var out []leaf
	if err := walk(dec, "$", &out); err != nil {
		return nil, fmt.Errorf("reading data: %w", err)
	}
	return out, nil
}

// walk appends the leaves of the next JSON value in dec. A list adds a
// "[n]" leaf before its elements, so two answers whose lists differ in
// length differ there, not somewhere further on.
func walk(dec *json.Decoder, path string, out *[]leaf) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if err := walk(dec, path+"."+k, out); err != nil {
					return err
				}
			}
		case '[':
			at := len(*out)
			*out = append(*out, leaf{path: path})
			n := 0
			for dec.More() {
				if err := walk(dec, path+"["+strconv.Itoa(n)+"]", out); err != nil {
					return err
				}
				n++
			}
			l := "[" + strconv.Itoa(n) + "]"
			(*out)[at].canon, (*out)[at].raw = "len:"+l, "list of "+strconv.Itoa(n)
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case json.Number:
		*out = append(*out, leaf{path, canonNumber(string(t)), string(t)})
	case string:
		*out = append(*out, leaf{path, canonString(t), strconv.Quote(t)})
	case bool:
		*out = append(*out, leaf{path, "b:" + strconv.FormatBool(t), strconv.FormatBool(t)})
	case nil:
		*out = append(*out, leaf{path, "null", "null"})
	}
	return nil
}

var numeric = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// canonNumber writes a decimal as an exact fraction, so 0.99, "0.990" and
// 99e-2 are equal and no float rounding can make two values meet.
func canonNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "n?:" + s
	}
	return "n:" + r.RatString()
}

// timeLayouts are the timestamp forms the contestants send: RFC 3339
// (Quarry), and PostgreSQL's and MariaDB's own forms without a zone.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07",
	"2006-01-02 15:04:05.999999999Z07",
}

func canonString(s string) string {
	if numeric.MatchString(s) {
		return canonNumber(s)
	}
	if len(s) >= 19 && s[4] == '-' && s[7] == '-' {
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return "t:" + t.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return "s:" + s
}

// compareLeaves is "" when got equals want, else a readable diff: where
// they first differ, with a few leaves around it on both sides.
func compareLeaves(want, got []leaf, wantName, gotName string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i].canon == got[i].canon {
		i++
	}
	if i == len(want) && i == len(got) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "answers differ at leaf %d (%s has %d leaves, %s has %d):\n", i, wantName, len(want), gotName, len(got))
	show := func(name string, ls []leaf) {
		fmt.Fprintf(&b, "  %s:\n", name)
		for j := max(0, i-2); j < min(len(ls), i+3); j++ {
			mark := "   "
			if j == i {
				mark = ">> "
			}
			fmt.Fprintf(&b, "    %s%s = %s\n", mark, ls[j].path, ls[j].raw)
		}
		if i >= len(ls) {
			fmt.Fprintf(&b, "    >> (ends after %d leaves)\n", len(ls))
		}
	}
	show(wantName, want)
	show(gotName, got)
	return b.String()
}
