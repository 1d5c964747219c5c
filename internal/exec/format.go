package exec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/schema"
)

// This file is the one place where Go formats database values for the
// API: the values of custom operations, whose rows the database returns
// as they are. Model queries format in SQL instead (sqlgen's value
// functions), and the two must agree, so the formats here are theirs:
//
//	Int, AWSTimestamp   a number; a string of digits beyond ±(2^53−1)
//	Float               a number, decimals exactly as the database wrote them
//	Boolean             true/false (also from 0/1, as MySQL and SQLite store it)
//	AWSDateTime         YYYY-MM-DDThh:mm:ss.sssZ in UTC (times without a zone are UTC,
//	                    as Quarry's sessions run in UTC)
//	AWSDate             YYYY-MM-DD
//	AWSTime             hh:mm:ss.sss, in UTC with a Z when the value has a zone (timetz)
//	AWSJSON             a string holding the JSON text
//	String and others   the text; binary data as \x and lower-case hex, as
//	                    PostgreSQL prints bytea
//	enums               the value's GraphQL name for its stored text (PG-13 → PG_13)
//	lists               PostgreSQL arrays, MySQL SETs and JSON arrays, element by element

// valueType is what decides a value's format.
type valueType struct {
	// Name is the GraphQL type: a scalar, or an enum's name when Enum.
	Name string
	List bool
	Enum bool
	// EnumValues, when set, maps an enum's stored text to its values'
	// GraphQL names (PG-13 → PG_13); text it does not know passes as is,
	// as the model queries' SQL lets it.
	EnumValues *schema.Enum
	// FieldDB is the model field's declared type (schema.Field.DBType,
	// "timetz", "set"), when the value is a model field's.
	FieldDB string
	// ColumnDB is the result column's type as the driver names it.
	ColumnDB string
}

// maxSafe is the largest integer a JavaScript client holds exactly.
const maxSafe = 1<<53 - 1

// writeValue writes v formatted for type t.
func writeValue(w *bytes.Buffer, v any, t valueType) error {
	if v == nil {
		w.WriteString("null")
		return nil
	}
	if !t.List {
		return writeScalar(w, v, t)
	}
	items, err := listItems(v, t)
	if err != nil {
		return err
	}
	elem := t
	elem.List = false
	elem.ColumnDB = strings.TrimPrefix(t.ColumnDB, "_") // PostgreSQL names an array type _elem
	w.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			w.WriteByte(',')
		}
		if err := writeScalar(w, it, elem); err != nil {
			return err
		}
	}
	w.WriteByte(']')
	return nil
}

// listItems splits a list value into its elements.
func listItems(v any, t valueType) ([]any, error) {
	switch x := v.(type) {
	case []any:
		return x, nil
	case string:
		switch {
		case strings.EqualFold(t.FieldDB, "set") || t.ColumnDB == "SET":
			// SET members cannot hold a comma, so every comma separates.
			if x == "" {
				return []any{}, nil
			}
			var out []any
			for _, m := range strings.Split(x, ",") {
				out = append(out, m)
			}
			return out, nil
		case strings.HasPrefix(x, "{"):
			return pgArray(x)
		case strings.HasPrefix(strings.TrimSpace(x), "["):
			var out []any
			dec := json.NewDecoder(strings.NewReader(x))
			dec.UseNumber()
			if err := dec.Decode(&out); err != nil {
				return nil, err
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%T %v is not a list", v, v)
}

// pgArray parses a one-dimensional PostgreSQL array literal ({a,"b c",NULL}).
func pgArray(s string) ([]any, error) {
	if len(s) < 2 || s[len(s)-1] != '}' {
		return nil, fmt.Errorf("%q is not an array", s)
	}
	body := s[1 : len(s)-1]
	out := []any{}
	if body == "" {
		return out, nil
	}
	for i := 0; i <= len(body); {
		if i < len(body) && body[i] == '{' {
			return nil, errors.New("multi-dimensional arrays are not served")
		}
		var item strings.Builder
		quoted := i < len(body) && body[i] == '"'
		if quoted {
			i++
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				item.WriteByte(body[i])
				i++
			}
			i++ // the closing quote
		} else {
			for i < len(body) && body[i] != ',' {
				item.WriteByte(body[i])
				i++
			}
		}
		if !quoted && item.String() == "NULL" {
			out = append(out, nil)
		} else {
			out = append(out, item.String())
		}
		i++ // the comma
	}
	return out, nil
}

// writeScalar writes one non-list value.
func writeScalar(w *bytes.Buffer, v any, t valueType) error {
	if v == nil {
		w.WriteString("null")
		return nil
	}
	if t.Enum {
		s := text(v)
		if t.EnumValues != nil {
			if name, ok := t.EnumValues.APIName(s); ok {
				s = name
			}
		}
		writeString(w, s)
		return nil
	}
	switch t.Name {
	case schema.Int, schema.AWSTimestamp:
		return writeInt(w, v, t.Name == schema.AWSTimestamp)
	case schema.Float:
		return writeFloat(w, v)
	case schema.Boolean:
		b, err := toBool(v)
		if err != nil {
			return err
		}
		w.WriteString(strconv.FormatBool(b))
		return nil
	case schema.AWSDateTime:
		tm, err := toTime(v)
		if err != nil {
			return err
		}
		writeString(w, tm.UTC().Format("2006-01-02T15:04:05.000Z"))
		return nil
	case schema.AWSDate:
		tm, err := toTime(v)
		if err != nil {
			return err
		}
		writeString(w, tm.UTC().Format("2006-01-02"))
		return nil
	case schema.AWSTime:
		s, err := formatTime(v, t)
		if err != nil {
			return err
		}
		writeString(w, s)
		return nil
	case schema.AWSJSON:
		return writeJSONText(w, v)
	}
	writeString(w, text(v))
	return nil
}

// writeInt writes an integer, as a string beyond what JavaScript holds.
func writeInt(w *bytes.Buffer, v any, timestamp bool) error {
	switch x := v.(type) {
	case int64:
		writeSafeInt(w, x)
		return nil
	case uint64:
		if x > maxSafe {
			writeString(w, strconv.FormatUint(x, 10))
		} else {
			w.WriteString(strconv.FormatUint(x, 10))
		}
		return nil
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) || math.Abs(x) >= 1<<63 {
			return fmt.Errorf("%v is not an integer", x)
		}
		writeSafeInt(w, int64(x))
		return nil
	case bool:
		return fmt.Errorf("%v is not an integer", x)
	case time.Time:
		if timestamp {
			writeSafeInt(w, x.Unix())
			return nil
		}
	case []byte:
		// MySQL BIT(n): big-endian bits, as the model queries' CAST AS UNSIGNED.
		if len(x) <= 8 {
			var n uint64
			for _, b := range x {
				n = n<<8 | uint64(b)
			}
			return writeInt(w, n, false)
		}
	case string, json.Number:
		s := strings.TrimSpace(text(x))
		// DECIMAL results (MySQL's SUM of integers) may carry a zero
		// fraction; an integer is what they are.
		if i := strings.IndexByte(s, '.'); i >= 0 && strings.Trim(s[i+1:], "0") == "" {
			s = s[:i]
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			writeSafeInt(w, n)
			return nil
		}
		if digitsRE.MatchString(s) {
			writeString(w, s) // beyond 64 bits: exact as text
			return nil
		}
	}
	return fmt.Errorf("%T %v is not an integer", v, v)
}

var digitsRE = regexp.MustCompile(`^-?[0-9]+$`)

func writeSafeInt(w *bytes.Buffer, n int64) {
	if n > maxSafe || n < -maxSafe {
		writeString(w, strconv.FormatInt(n, 10))
		return
	}
	w.WriteString(strconv.FormatInt(n, 10))
}

// writeFloat writes a number; decimal text (NUMERIC, DECIMAL) is written as
// it came, so no digit is lost on the way, as json_build_object writes it.
func writeFloat(w *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%v has no JSON form", x)
		}
		raw, _ := json.Marshal(x)
		w.Write(raw)
		return nil
	case int64, uint64:
		w.WriteString(text(x))
		return nil
	case string, json.Number:
		s := strings.TrimSpace(text(x))
		if isJSONNumber(s) {
			w.WriteString(s)
			return nil
		}
	}
	return fmt.Errorf("%T %v is not a number", v, v)
}

func isJSONNumber(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}

func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case uint64:
		return x != 0, nil
	case float64:
		return x != 0, nil
	case string, json.Number:
		switch strings.ToLower(strings.TrimSpace(text(x))) {
		case "1", "t", "true":
			return true, nil
		case "0", "f", "false":
			return false, nil
		}
	}
	return false, fmt.Errorf("%T %v is not a Boolean", v, v)
}

// timeLayouts are the forms in which drivers and JSON functions write
// dates and times: PostgreSQL's row_to_json, MySQL's text protocol,
// SQLite's date functions. A value without a zone is UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// toTime reads a date and time.
func toTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case int64:
		// SQLite stores times as unix seconds too.
		return time.Unix(x, 0), nil
	case string:
		s := strings.TrimSpace(x)
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%T %v is not a date and time", v, v)
}

// clockRE is a time of day with an optional fraction and zone.
var clockRE = regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2}){0,2})?$`)

// formatTime writes an AWSTime: hh:mm:ss.sss, converted to UTC and marked
// Z when the value has a zone (PostgreSQL timetz), as the model queries do.
func formatTime(v any, t valueType) (string, error) {
	s, ok := v.(string)
	if !ok {
		tm, err := toTime(v)
		if err != nil {
			return "", err
		}
		return tm.UTC().Format("15:04:05.000"), nil
	}
	m := clockRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		// A date and time: its time of day, as SQLite's strftime gives it.
		tm, err := toTime(s)
		if err != nil {
			return "", fmt.Errorf("%q is not a time of day", s)
		}
		return tm.UTC().Format("15:04:05.000"), nil
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	ns, _ := strconv.Atoi((m[4] + "000000000")[:9])
	tm := time.Date(2000, 1, 1, h, mi, sec, ns, time.UTC)
	zoned := m[5] != "" || strings.EqualFold(t.FieldDB, "timetz")
	if z := m[5]; z != "" && z != "Z" {
		off, err := zoneOffset(z)
		if err != nil {
			return "", err
		}
		tm = tm.Add(-off)
	}
	out := tm.Format("15:04:05.000")
	if zoned {
		out += "Z"
	}
	return out, nil
}

// zoneOffset reads ±hh, ±hh:mm or ±hh:mm:ss.
func zoneOffset(z string) (time.Duration, error) {
	sign := time.Duration(1)
	if z[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if len(digits) < 2*(i+1) {
			break
		}
		n, err := strconv.Atoi(digits[2*i : 2*i+2])
		if err != nil {
			return 0, fmt.Errorf("bad zone %q", z)
		}
		d += time.Duration(n) * unit
	}
	return sign * d, nil
}

// writeJSONText writes AWSJSON: a string holding JSON text.
func writeJSONText(w *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case string:
		writeString(w, x)
		return nil
	case json.Number:
		writeString(w, string(x))
		return nil
	case []byte:
		return fmt.Errorf("binary data is not JSON")
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	writeString(w, string(raw))
	return nil
}

// text is a value's text form, for String and the other text scalars.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case json.Number:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case map[string]any, []any:
		raw, _ := json.Marshal(x)
		return string(raw)
	}
	return fmt.Sprint(v)
}

// writeNatural writes a value of a column with no declared GraphQL type
// (the rows of an AWSJSON result) in the format of the type its column's
// database type suggests; JSON columns are embedded as JSON.
func writeNatural(w *bytes.Buffer, v any, dbType string) error {
	if v == nil {
		w.WriteString("null")
		return nil
	}
	if s, ok := v.(string); ok && (dbType == "JSON" || dbType == "JSONB") && json.Valid([]byte(s)) {
		w.WriteString(s)
		return nil
	}
	t := valueType{Name: naturalType(v, dbType), ColumnDB: dbType}
	if strings.HasPrefix(dbType, "_") || dbType == "SET" {
		elem := naturalType(nil, strings.TrimPrefix(dbType, "_"))
		t = valueType{Name: elem, List: true, ColumnDB: dbType}
	}
	var out bytes.Buffer
	if err := writeValue(&out, v, t); err != nil {
		// The type was a guess from the column's name; the value as the
		// driver gave it is still data.
		return writeValue(w, v, valueType{Name: naturalType(v, "")})
	}
	w.Write(out.Bytes())
	return nil
}

// naturalType picks the GraphQL type for a value of database type dbType,
// or from the Go value when the type name says nothing.
func naturalType(v any, dbType string) string {
	switch {
	case dbType == "DATE":
		return schema.AWSDate
	case dbType == "TIME", dbType == "TIMETZ", dbType == "1266": // pgx names timetz by its OID
		return schema.AWSTime
	case dbType == "TIMESTAMP", dbType == "TIMESTAMPTZ", dbType == "DATETIME":
		return schema.AWSDateTime
	case dbType == "BOOL", dbType == "BOOLEAN":
		return schema.Boolean
	case strings.Contains(dbType, "INT") && !strings.Contains(dbType, "INTERVAL") && !strings.Contains(dbType, "POINT"):
		return schema.Int
	case dbType == "NUMERIC", dbType == "DECIMAL", dbType == "REAL", dbType == "DOUBLE", dbType == "FLOAT",
		dbType == "FLOAT4", dbType == "FLOAT8":
		return schema.Float
	}
	switch v.(type) {
	case int64, uint64:
		return schema.Int
	case float64:
		return schema.Float
	case bool:
		return schema.Boolean
	case time.Time:
		return schema.AWSDateTime
	}
	return schema.String
}
