package exec

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// TestFormat pins the Go-side formats to the ones the dialects' SQL writes
// for model fields (see format.go), for the values each driver gives.
func TestFormat(t *testing.T) {
	at := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("", 2*3600))
	tests := []struct {
		name string
		v    any
		t    valueType
		want string
	}{
		{"int", int64(42), valueType{Name: schema.Int}, `42`},
		{"int beyond 2^53", int64(1 << 60), valueType{Name: schema.Int}, `"1152921504606846976"`},
		{"negative beyond 2^53", int64(-(1 << 60)), valueType{Name: schema.Int}, `"-1152921504606846976"`},
		{"unsigned", uint64(1<<64 - 1), valueType{Name: schema.Int}, `"18446744073709551615"`},
		{"MySQL SUM as DECIMAL", "3000.000", valueType{Name: schema.Int}, `3000`},
		{"DECIMAL beyond 64 bits", "123456789012345678901234567890", valueType{Name: schema.Int}, `"123456789012345678901234567890"`},
		{"integral float", 7.0, valueType{Name: schema.Int}, `7`},
		{"MySQL BIT", []byte{1, 0}, valueType{Name: schema.Int}, `256`},
		{"AWSTimestamp from a time", at, valueType{Name: schema.AWSTimestamp}, `1709243998`},
		{"float", 1.5, valueType{Name: schema.Float}, `1.5`},
		{"NUMERIC keeps its digits", "1.98", valueType{Name: schema.Float}, `1.98`},
		{"bool", true, valueType{Name: schema.Boolean}, `true`},
		{"MySQL TINYINT", int64(0), valueType{Name: schema.Boolean}, `false`},
		{"datetime in UTC, milliseconds truncated", at, valueType{Name: schema.AWSDateTime}, `"2024-02-29T21:59:58.123Z"`},
		{"MySQL DATETIME text", "2020-01-02 03:04:05.678", valueType{Name: schema.AWSDateTime}, `"2020-01-02T03:04:05.678Z"`},
		{"row_to_json timestamptz", "2020-01-02T03:04:05+02:00", valueType{Name: schema.AWSDateTime}, `"2020-01-02T01:04:05.000Z"`},
		{"PostgreSQL timestamptz text", "2020-01-02 03:04:05.5+02", valueType{Name: schema.AWSDateTime}, `"2020-01-02T01:04:05.500Z"`},
		{"date", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), valueType{Name: schema.AWSDate}, `"2020-01-02"`},
		{"date text", "2020-01-02", valueType{Name: schema.AWSDate}, `"2020-01-02"`},
		{"time", "10:11:12.5", valueType{Name: schema.AWSTime}, `"10:11:12.500"`},
		{"time with microseconds", "18:50:42.206499", valueType{Name: schema.AWSTime}, `"18:50:42.206"`},
		{"timetz to UTC", "10:00:00+02", valueType{Name: schema.AWSTime, FieldDB: "timetz"}, `"08:00:00.000Z"`},
		{"timetz with minutes", "10:00:00-05:30", valueType{Name: schema.AWSTime}, `"15:30:00.000Z"`},
		{"time of a datetime", "2020-01-02 03:04:05", valueType{Name: schema.AWSTime}, `"03:04:05.000"`},
		{"AWSJSON text", `{"a": 1}`, valueType{Name: schema.AWSJSON}, `"{\"a\": 1}"`},
		{"AWSJSON from a number", int64(3), valueType{Name: schema.AWSJSON}, `"3"`},
		{"bytea as hex", []byte{0, 0xff}, valueType{Name: schema.String}, `"\\x00ff"`},
		{"number as text", int64(12), valueType{Name: schema.String}, `"12"`},
		{"enum", "RED", valueType{Name: "Color", Enum: true}, `"RED"`},
		{"null", nil, valueType{Name: schema.Int}, `null`},
		{"PostgreSQL array", `{a,"b c",NULL,"d\"e"}`, valueType{Name: schema.String, List: true, ColumnDB: "_TEXT"}, `["a","b c",null,"d\"e"]`},
		{"PostgreSQL int array", `{1,2}`, valueType{Name: schema.Int, List: true, ColumnDB: "_INT4"}, `[1,2]`},
		{"empty array", `{}`, valueType{Name: schema.Int, List: true}, `[]`},
		{"MySQL SET", "a,b", valueType{Name: schema.String, List: true, FieldDB: "set"}, `["a","b"]`},
		{"empty SET", "", valueType{Name: schema.String, List: true, ColumnDB: "SET"}, `[]`},
		{"JSON array", `[1, 2]`, valueType{Name: schema.Int, List: true}, `[1,2]`},
	}
	for _, tt := range tests {
		var w bytes.Buffer
		if err := writeValue(&w, tt.v, tt.t); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if w.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, w.String(), tt.want)
		}
	}
}

func TestFormatRefusesWhatDoesNotFit(t *testing.T) {
	for _, tt := range []struct {
		v any
		t valueType
	}{
		{"abc", valueType{Name: schema.Int}},
		{2.5, valueType{Name: schema.Int}},
		{"NaN", valueType{Name: schema.Float}},
		{"maybe", valueType{Name: schema.Boolean}},
		{"yesterday", valueType{Name: schema.AWSDateTime}},
		{"{{1,2},{3,4}}", valueType{Name: schema.Int, List: true}},
	} {
		var w bytes.Buffer
		if err := writeValue(&w, tt.v, tt.t); err == nil {
			t.Errorf("%v as %s: no error, wrote %s", tt.v, tt.t.Name, w.String())
		}
	}
}

func TestShape(t *testing.T) {
	model := &schema.Model{Name: "Event", Fields: []*schema.Field{
		{Name: "id", Column: "event_id", Type: schema.Int, Required: true},
		{Name: "at", Column: "starts_at", Type: schema.AWSDateTime},
	}}
	id, at := model.Fields[0], model.Fields[1]
	event := &plan.Object{Name: "Event", Fields: []plan.Column{
		{Key: "key", Column: "event_id", Field: id, Type: schema.TypeRef{Name: schema.Int, Required: true}},
		{Key: "at", Column: "starts_at", Field: at, Type: schema.TypeRef{Name: schema.AWSDateTime}},
		{Key: "__typename", Typename: "Event"},
	}}
	res := &Result{
		// Column names as MySQL returns them when the SQL spells them in
		// another case: found ignoring case.
		Columns: []Column{{Name: "EVENT_ID", DBType: "INT"}, {Name: "starts_at", DBType: "DATETIME"}, {Name: "doc", DBType: "JSON"}},
		Rows: [][]any{
			{int64(1), "2020-01-02 03:04:05", `{"a":1}`},
			{int64(2), nil, nil},
		},
	}
	stats := &plan.Object{Name: "Stats", Fields: []plan.Column{
		{Key: "first", Column: "first", Type: schema.TypeRef{Name: "Event"}, Object: event},
		{Key: "all", Column: "all", Type: schema.TypeRef{Name: "Event", List: true}, Object: event},
	}}
	nested := &Result{
		Columns: []Column{{Name: "first", DBType: "JSON"}, {Name: "all", DBType: "JSON"}},
		Rows:    [][]any{{`{"event_id": 9007199254740993, "starts_at": "2020-01-02T03:04:05+00:00"}`, `[{"event_id": 1}, null]`}},
	}
	for _, tt := range []struct {
		name  string
		shape plan.Shape
		res   *Result
		want  string
	}{
		{"list of a model", plan.Shape{Type: schema.TypeRef{Name: "Event", List: true}, Object: event}, res,
			`[{"key":1,"at":"2020-01-02T03:04:05.000Z","__typename":"Event"},{"key":2,"at":null,"__typename":"Event"}]`},
		{"one model: the first row", plan.Shape{Type: schema.TypeRef{Name: "Event"}, Object: event}, res,
			`{"key":1,"at":"2020-01-02T03:04:05.000Z","__typename":"Event"}`},
		{"no row", plan.Shape{Type: schema.TypeRef{Name: "Event"}, Object: event}, &Result{Columns: res.Columns}, `null`},
		{"no rows", plan.Shape{Type: schema.TypeRef{Name: "Event", List: true}, Object: event}, &Result{}, `[]`},
		{"scalar: first column", plan.Shape{Type: schema.TypeRef{Name: schema.Int}}, res, `1`},
		{"scalar list", plan.Shape{Type: schema.TypeRef{Name: schema.Int, List: true}}, res, `[1,2]`},
		{"AWSJSON: the rows", plan.Shape{Type: schema.TypeRef{Name: schema.AWSJSON}}, res,
			`"[{\"EVENT_ID\":1,\"starts_at\":\"2020-01-02T03:04:05.000Z\",\"doc\":{\"a\":1}},{\"EVENT_ID\":2,\"starts_at\":null,\"doc\":null}]"`},
		{"AWSJSON of no rows", plan.Shape{Type: schema.TypeRef{Name: schema.AWSJSON}}, &Result{}, `"[]"`},
		{"[AWSJSON]: a row each", plan.Shape{Type: schema.TypeRef{Name: schema.AWSJSON, List: true}}, &Result{Columns: res.Columns[:1], Rows: [][]any{{int64(1)}, {int64(2)}}},
			`["{\"EVENT_ID\":1}","{\"EVENT_ID\":2}"]`},
		{"objects nested as JSON", plan.Shape{Type: schema.TypeRef{Name: "Stats"}, Object: stats}, nested,
			`{"first":{"key":"9007199254740993","at":"2020-01-02T03:04:05.000Z","__typename":"Event"},"all":[{"key":1,"at":null,"__typename":"Event"},null]}`},
	} {
		got, err := Shape(tt.shape, tt.res)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !json.Valid(got) || string(got) != tt.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestShapeErrorsAreTheSchemas(t *testing.T) {
	obj := &plan.Object{Name: "T", Fields: []plan.Column{{Key: "n", Column: "n", Type: schema.TypeRef{Name: schema.Int, Required: true}}}}
	for _, tt := range []struct {
		name  string
		shape plan.Shape
		res   *Result
	}{
		{"a non-null field without its column", plan.Shape{Type: schema.TypeRef{Name: "T"}, Object: obj},
			&Result{Columns: []Column{{Name: "m"}}, Rows: [][]any{{int64(1)}}}},
		{"a value of another type", plan.Shape{Type: schema.TypeRef{Name: schema.Int}},
			&Result{Columns: []Column{{Name: "title", DBType: "TEXT"}}, Rows: [][]any{{"x"}}}},
	} {
		_, err := Shape(tt.shape, tt.res)
		if qerr.KindOf(err) != qerr.Misconfig {
			t.Errorf("%s: err = %v, want a Misconfig error", tt.name, err)
		}
	}
}
