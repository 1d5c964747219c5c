package exec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// Shape turns a custom operation's rows into the JSON value of its declared
// return type (see plan.Shape): a list takes every row, any other type the
// first row, or null when there is none. Objects get exactly the selected
// keys, in the query's order; values are formatted as the model queries
// format them (format.go).
//
// AWSJSON is the rows themselves, as the reference returns them: an
// AWSJSON field holds the array of row objects ("[]" when the statement
// returned no rows, as an UPDATE without RETURNING does), and an [AWSJSON]
// field holds one row object per element.
func Shape(s plan.Shape, r *Result) (json.RawMessage, error) {
	sh := shaper{cols: indexColumns(r.Columns), res: r}
	var w bytes.Buffer
	var err error
	switch {
	case s.Object == nil && s.Type.Name == schema.AWSJSON && !s.Type.List:
		var rows bytes.Buffer
		rows.WriteByte('[')
		for i, row := range r.Rows {
			if i > 0 {
				rows.WriteByte(',')
			}
			if err := sh.rowJSON(&rows, row); err != nil {
				return nil, mismatch(s, err)
			}
		}
		rows.WriteByte(']')
		writeString(&w, rows.String())
	case s.Type.List:
		w.WriteByte('[')
		for i, row := range r.Rows {
			if i > 0 {
				w.WriteByte(',')
			}
			if err = sh.row(&w, s, row); err != nil {
				return nil, mismatch(s, err)
			}
		}
		w.WriteByte(']')
	case len(r.Rows) == 0:
		w.WriteString("null")
	default:
		err = sh.row(&w, s, r.Rows[0])
	}
	if err != nil {
		return nil, mismatch(s, err)
	}
	return w.Bytes(), nil
}

// mismatch makes a value that does not fit the declared type the schema's
// fault, as it is: the author's SQL returns something else.
func mismatch(s plan.Shape, err error) error {
	var qe *qerr.Error
	if errors.As(err, &qe) {
		return err
	}
	return qerr.Wrap(qerr.Misconfig, "the SQL's result does not fit the return type "+s.Type.String(), err)
}

// shaper shapes the rows of one result.
type shaper struct {
	res  *Result
	cols columnIndex
}

// row writes one row as one value of s's type (the element type, for a
// list).
func (sh *shaper) row(w *bytes.Buffer, s plan.Shape, row []any) error {
	switch {
	case s.Object != nil:
		return writeObject(w, s.Object, sqlRecord{sh: sh, row: row})
	case s.Type.Name == schema.AWSJSON:
		var obj bytes.Buffer
		if err := sh.rowJSON(&obj, row); err != nil {
			return err
		}
		writeString(w, obj.String())
		return nil
	case len(row) == 0:
		w.WriteString("null")
		return nil
	}
	return writeValue(w, row[0], valueType{Name: s.Type.Name, Enum: s.IsEnum, EnumValues: s.Enum, ColumnDB: sh.res.Columns[0].DBType})
}

// rowJSON writes a row as a JSON object of its columns, each value in the
// format of the type its column suggests.
func (sh *shaper) rowJSON(w *bytes.Buffer, row []any) error {
	w.WriteByte('{')
	for i, c := range sh.res.Columns {
		if i > 0 {
			w.WriteByte(',')
		}
		writeString(w, c.Name)
		w.WriteByte(':')
		if err := writeNatural(w, row[i], c.DBType); err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	w.WriteByte('}')
	return nil
}

// record is a source of named values: a result row, or a JSON object
// nested in a column.
type record interface {
	// get returns the value named name and its column's database type; ok
	// is false when there is no such name.
	get(name string) (v any, dbType string, ok bool)
	// names lists the names it has, for error messages.
	names() []string
}

// columnIndex finds result columns by name: exactly, else ignoring case
// when that is unambiguous (MySQL and SQLite return a column under the
// spelling the SQL used, and their identifiers ignore case).
type columnIndex struct {
	exact, folded map[string]int
}

func indexColumns(cols []Column) columnIndex {
	ix := columnIndex{exact: map[string]int{}, folded: map[string]int{}}
	for i, c := range cols {
		if _, dup := ix.exact[c.Name]; !dup {
			ix.exact[c.Name] = i
		}
		k := strings.ToLower(c.Name)
		if j, dup := ix.folded[k]; dup && j != i {
			ix.folded[k] = -1
		} else {
			ix.folded[k] = i
		}
	}
	return ix
}

func (ix columnIndex) find(name string) (int, bool) {
	if i, ok := ix.exact[name]; ok {
		return i, true
	}
	i, ok := ix.folded[strings.ToLower(name)]
	return i, ok && i >= 0
}

type sqlRecord struct {
	sh  *shaper
	row []any
}

func (r sqlRecord) get(name string) (any, string, bool) {
	i, ok := r.sh.cols.find(name)
	if !ok {
		return nil, "", false
	}
	return r.row[i], r.sh.res.Columns[i].DBType, true
}

func (r sqlRecord) names() []string {
	out := make([]string, len(r.sh.res.Columns))
	for i, c := range r.sh.res.Columns {
		out[i] = c.Name
	}
	return out
}

// jsonRecord is an object read from a JSON column.
type jsonRecord map[string]any

func (r jsonRecord) get(name string) (any, string, bool) {
	v, ok := r[name]
	return v, "", ok
}

func (r jsonRecord) names() []string {
	out := make([]string, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	return out
}

// writeObject writes the selected fields of obj from rec.
func writeObject(w *bytes.Buffer, obj *plan.Object, rec record) error {
	w.WriteByte('{')
	for i, c := range obj.Fields {
		if i > 0 {
			w.WriteByte(',')
		}
		writeString(w, c.Key)
		w.WriteByte(':')
		if c.Typename != "" {
			writeString(w, c.Typename)
			continue
		}
		if c.Redacted {
			w.WriteString("null")
			continue
		}
		v, dbType, ok := rec.get(c.Column)
		if !ok {
			// A nullable field the SQL does not return is null, as
			// GraphQL would make it; a non-null one is the schema's fault.
			if c.Type.Required {
				return qerr.New(qerr.Misconfig, fmt.Sprintf("the SQL returns no column %s for the non-null field %s.%s (it returns %s)",
					c.Column, obj.Name, c.Key, strings.Join(rec.names(), ", ")))
			}
			w.WriteString("null")
			continue
		}
		var err error
		if c.Object != nil {
			err = writeNested(w, c, v)
		} else {
			t := valueType{Name: c.Type.Name, List: c.Type.List, Enum: c.IsEnum, EnumValues: c.Enum, ColumnDB: dbType}
			if c.Field != nil {
				t.FieldDB = c.Field.DBType
			}
			err = writeValue(w, v, t)
		}
		if err != nil {
			return qerr.Wrap(qerr.Misconfig, fmt.Sprintf("field %s.%s (column %s) does not hold a %s", obj.Name, c.Key, c.Column, c.Type), err)
		}
	}
	w.WriteByte('}')
	return nil
}

// writeNested writes a custom type's object-typed field from a column that
// holds the object (or a list of them) as JSON.
func writeNested(w *bytes.Buffer, c plan.Column, v any) error {
	if s, ok := v.(string); ok {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber() // keep 64-bit integers and decimals exact
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("the column is not JSON: %w", err)
		}
	}
	one := func(v any) error {
		switch x := v.(type) {
		case nil:
			w.WriteString("null")
			return nil
		case map[string]any:
			return writeObject(w, c.Object, jsonRecord(x))
		}
		return fmt.Errorf("%T is not a JSON object", v)
	}
	if !c.Type.List {
		return one(v)
	}
	if v == nil {
		w.WriteString("null")
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%T is not a JSON array", v)
	}
	w.WriteByte('[')
	for i, item := range list {
		if i > 0 {
			w.WriteByte(',')
		}
		if err := one(item); err != nil {
			return err
		}
	}
	w.WriteByte(']')
	return nil
}

func writeString(w *bytes.Buffer, s string) {
	raw, _ := json.Marshal(s) // a string always marshals
	w.Write(raw)
}
