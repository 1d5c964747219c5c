package changes

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// decodeLiteRow reads a row the triggers logged (rowJSON) into the values
// database/sql with modernc.org/sqlite gives when its columns are
// scanned into *any:
//
//	INTEGER (booleans too)           int64
//	REAL                             float64 (written with 17 digits: exact)
//	TEXT                             string; time.Time in a column declared
//	                                 DATE, DATETIME or TIMESTAMP when the text
//	                                 is a time the driver parses
//	BLOB                             []byte
//	NULL                             nil
//
// times are the columns declared DATE, DATETIME or TIMESTAMP.
func decodeLiteRow(raw string, times map[string]bool) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decoding the logged row: %w", err)
	}
	// More columns than one json_object call takes come as an array of
	// objects (rowJSON).
	var parts []map[string]any
	switch x := v.(type) {
	case map[string]any:
		parts = []map[string]any{x}
	case []any:
		for _, p := range x {
			m, ok := p.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("the logged row is not an object of columns: %.80s", raw)
			}
			parts = append(parts, m)
		}
	default:
		return nil, fmt.Errorf("the logged row is not an object of columns: %.80s", raw)
	}
	out := map[string]any{}
	for _, p := range parts {
		for col, val := range p {
			d, err := liteValue(val, times[col])
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", col, err)
			}
			out[col] = d
		}
	}
	return out, nil
}

// liteValue is one logged value as the driver gives it.
func liteValue(v any, isTime bool) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		return liteNumber(string(x))
	case string:
		if isTime {
			return liteTime(x), nil
		}
		return x, nil
	case []any:
		// A blob or a real, tagged (rowJSON).
		if len(x) == 2 {
			tag, _ := x[0].(string)
			text, ok := x[1].(string)
			switch {
			case ok && tag == "b":
				b, err := hex.DecodeString(text)
				if err != nil {
					return nil, fmt.Errorf("blob %.40q: %w", text, err)
				}
				return b, nil
			case ok && tag == "r":
				f, err := strconv.ParseFloat(text, 64)
				if err != nil && !errors.Is(err, strconv.ErrRange) {
					return nil, fmt.Errorf("real %q: %w", text, err)
				}
				return f, nil
			}
		}
	}
	return nil, fmt.Errorf("unexpected logged value %v", v)
}

// liteNumber is an INTEGER (no fraction or exponent: SQLite writes a
// REAL with at least ".0") or a REAL. SQLite writes infinities as
// ±9.0e+999.
func liteNumber(s string) (any, error) {
	if !strings.ContainsAny(s, ".eE") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("integer %s: %w", s, err)
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	// Out of range is ±Inf (SQLite's 9.0e+999) or 0, as SQLite holds it.
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("real %s: %w", s, err)
	}
	return f, nil
}

// liteTimeFormats are modernc.org/sqlite's (v1.62) for the text of a
// DATE, DATETIME or TIMESTAMP column, tried in its order.
var liteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// liteTime reads s as modernc.org/sqlite does for such a column (no _loc
// in the DSN, as Quarry opens files): Go's time.Time.String form, else
// the formats above after a trailing Z is cut off; text that is none of
// them stays a string.
func liteTime(s string) any {
	t := s
	if i := strings.Index(t, "m="); i > 0 {
		t = t[:i]
	}
	if tm, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", strings.TrimSpace(t)); err == nil {
		return tm
	}
	ts, _ := strings.CutSuffix(s, "Z")
	for _, f := range liteTimeFormats {
		if tm, err := time.Parse(f, ts); err == nil {
			return tm
		}
	}
	return s
}
