package plan

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// enumMode says what happens to an enum value on its way into a plan.
type enumMode int

const (
	// toStored checks a GraphQL name and gives the text the database
	// stores for it (PG_13 → PG-13): for values bound to statements.
	toStored enumMode = iota
	// asName checks a GraphQL name and keeps it: for values compared with
	// change events, which carry the names (subscription filters).
	asName
	// asStored keeps the value unchecked: it is stored text already (page
	// tokens carry key columns as the database returned them).
	asStored
)

// coerce checks a value given for f and converts it to the Go value bound
// to the statement: int64, float64, bool, string, time.Time (AWSDateTime,
// in UTC), or for list fields a typed slice ([]string, []int64, ...). An
// enum value becomes the text the database stores for it (PG_13 → PG-13).
func coerce(f *schema.Field, v any, path string) (any, error) {
	return coerceAs(f, v, path, toStored)
}

func coerceAs(f *schema.Field, v any, path string, mode enumMode) (any, error) {
	if v == nil {
		return nil, nil
	}
	if !f.IsList {
		return coerceElem(f, v, path, mode)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, invalid(path, "a list")
	}
	switch f.Type {
	case schema.Int, schema.AWSTimestamp:
		out := make([]int64, len(list))
		for i, item := range list {
			n, err := coerceElem(f, item, fmt.Sprintf("%s[%d]", path, i), mode)
			if err != nil {
				return nil, err
			}
			out[i], _ = n.(int64)
		}
		return out, nil
	case schema.Float:
		out := make([]float64, len(list))
		for i, item := range list {
			n, err := coerceElem(f, item, fmt.Sprintf("%s[%d]", path, i), mode)
			if err != nil {
				return nil, err
			}
			out[i], _ = n.(float64)
		}
		return out, nil
	case schema.Boolean:
		out := make([]bool, len(list))
		for i, item := range list {
			b, ok := item.(bool)
			if !ok {
				return nil, invalid(fmt.Sprintf("%s[%d]", path, i), "a Boolean")
			}
			out[i] = b
		}
		return out, nil
	}
	out := make([]string, len(list))
	for i, item := range list {
		s, err := coerceElem(f, item, fmt.Sprintf("%s[%d]", path, i), mode)
		if err != nil {
			return nil, err
		}
		out[i] = fmt.Sprint(s)
	}
	return out, nil
}

var (
	dateRE  = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2}(:\d{2})?)?$`)
	timeRE  = regexp.MustCompile(`^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}(:\d{2})?)?$`)
	phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ()\-.]{2,}$`)
)

// coerceElem checks one scalar value against f's type; mode says what
// becomes of an enum value.
func coerceElem(f *schema.Field, v any, path string, mode enumMode) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case schema.Int, schema.AWSTimestamp:
		n, err := toInt(v)
		if err != nil {
			return nil, invalid(path, "an integer")
		}
		return n, nil
	case schema.Float:
		x, err := toFloat(v)
		if err != nil {
			return nil, invalid(path, "a number")
		}
		return x, nil
	case schema.Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, invalid(path, "a Boolean")
		}
		return b, nil
	case schema.ID:
		switch x := v.(type) {
		case string:
			return x, nil
		case int64, json.Number:
			return fmt.Sprint(x), nil
		}
		return nil, invalid(path, "an ID")
	}
	s, ok := v.(string)
	if !ok {
		return nil, invalid(path, "a string")
	}
	if f.IsEnum {
		if mode == asStored || f.Enum == nil {
			return s, nil
		}
		text, ok := f.Enum.StoredText(s)
		if !ok {
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: %q is not a value of the enum %s (one of %s)", path, s, f.Enum.Name, strings.Join(f.Enum.Values, ", ")))
		}
		if mode == asName {
			return s, nil
		}
		return text, nil
	}
	switch f.Type {
	case schema.AWSDate:
		m := dateRE.FindStringSubmatch(s)
		if m == nil {
			return nil, invalid(path, "an AWSDate (YYYY-MM-DD)")
		}
		if _, err := time.Parse("2006-01-02", m[1]); err != nil {
			return nil, invalid(path, "a real calendar date")
		}
		return m[1], nil
	case schema.AWSTime:
		return parseTime(s, path)
	case schema.AWSDateTime:
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, invalid(path, "an AWSDateTime with an offset (2026-01-02T15:04:05.000Z)")
		}
		return t.UTC(), nil
	case schema.AWSJSON:
		if !json.Valid([]byte(s)) {
			return nil, invalid(path, "AWSJSON (a string holding JSON text)")
		}
		return s, nil
	case schema.AWSEmail:
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			return nil, invalid(path, "an AWSEmail (name@example.com)")
		}
	case schema.AWSURL:
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
			return nil, invalid(path, "an AWSURL with a scheme (https://example.com/x)")
		}
	case schema.AWSPhone:
		if !phoneRE.MatchString(s) {
			return nil, invalid(path, "an AWSPhone (+1 555 0100)")
		}
	case schema.AWSIPAddress:
		if net.ParseIP(s) == nil {
			if _, _, err := net.ParseCIDR(s); err != nil {
				return nil, invalid(path, "an AWSIPAddress (IPv4 or IPv6, optional /prefix)")
			}
		}
	}
	return s, nil
}

// parseTime normalises an AWSTime to hh:mm:ss.sss, in UTC when it has an
// offset.
func parseTime(s, path string) (string, error) {
	m := timeRE.FindStringSubmatch(s)
	if m == nil {
		return "", invalid(path, "an AWSTime (hh:mm:ss.sss, optional Z or ±hh:mm)")
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	if h > 23 || mi > 59 || sec > 59 {
		return "", invalid(path, "a time of day")
	}
	frac := (m[4] + "000")[:3]
	t := time.Date(2000, 1, 1, h, mi, sec, 0, time.UTC)
	if z := m[5]; z != "" && z != "Z" {
		off, err := time.Parse("-07:00", z[:6])
		if err != nil {
			return "", invalid(path, "an AWSTime offset (±hh:mm)")
		}
		_, secs := off.Zone()
		t = t.Add(-time.Duration(secs) * time.Second)
	}
	return t.Format("15:04:05") + "." + frac, nil
}

func invalid(path, want string) error {
	return qerr.New(qerr.Validation, fmt.Sprintf("%s: the value is not %s", path, want))
}

// toInt reads an integer given as a JSON number, an int64 or a string of
// digits (how values beyond 2^53 travel).
func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<63 {
			return 0, fmt.Errorf("not an integer")
		}
		return int64(x), nil
	case json.Number:
		return strconv.ParseInt(string(x), 10, 64)
	case string:
		return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	}
	return 0, fmt.Errorf("not an integer")
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case int:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	}
	return 0, fmt.Errorf("not a number")
}
