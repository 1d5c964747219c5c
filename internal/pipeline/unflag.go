package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
)

// unflag takes the Flag outputs (plan.Output.Flag) out of a root field's
// JSON and returns, for each that is set, an Unauthorized error on the
// path of the field it flags, as AppSync's field resolvers report a field
// the caller may not read (the field itself is already null). It walks the
// JSON along the plan: only objects the plan built are read for flags, and
// field values are copied untouched, so row data (a JSON column, say)
// cannot forge or hide a flag. Only root fields that select such fields
// pay for this pass.
func unflag(val []byte, r plan.Root) (json.RawMessage, []Error, error) {
	dec := json.NewDecoder(bytes.NewReader(val))
	w := flagWalker{dec: dec}
	w.out.Grow(len(val))
	var err error
	path := []any{r.Key}
	switch {
	case r.Select != nil && !r.Select.Single:
		err = w.connection(path, r.Select)
	case r.Select != nil:
		err = w.object(path, r.Select)
	case r.Insert != nil:
		err = w.object(path, r.Insert.Return)
	case r.Update != nil:
		err = w.object(path, r.Update.Return)
	case r.Delete != nil:
		err = w.object(path, r.Delete.Return)
	default:
		return val, nil, nil
	}
	if err != nil {
		return nil, nil, qerr.Wrap(qerr.Internal, "read field-level authorization flags", err)
	}
	return w.out.Bytes(), w.errs, nil
}

type flagWalker struct {
	dec  *json.Decoder
	out  bytes.Buffer
	errs []Error
}

// raw copies the next value as it is.
func (w *flagWalker) raw() error {
	var v json.RawMessage
	if err := w.dec.Decode(&v); err != nil {
		return err
	}
	w.out.Write(v)
	return nil
}

// open reads the opening delimiter d, or copies a null and reports false.
func (w *flagWalker) open(d json.Delim) (bool, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return false, err
	}
	if tok == nil {
		w.out.WriteString("null")
		return false, nil
	}
	if tok != d {
		return false, fmt.Errorf("want %v, found %v", d, tok)
	}
	w.out.WriteString(d.String())
	return true, nil
}

// object walks one row's object, built from sel.
func (w *flagWalker) object(path []any, sel *plan.Select) error {
	if ok, err := w.open('{'); !ok || err != nil {
		return err
	}
	byKey := make(map[string]*plan.Output, len(sel.Fields))
	for i := range sel.Fields {
		byKey[sel.Fields[i].Key] = &sel.Fields[i]
	}
	first := true
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		o := byKey[k]
		if o != nil && o.Flag != nil {
			var set any
			if err := w.dec.Decode(&set); err != nil {
				return err
			}
			if typ, field, key, ok := plan.FlaggedKey(k); ok && set != nil {
				p := append(append([]any{}, path...), key)
				w.errs = append(w.errs, Error{Message: authz.Denial(field, typ), Path: p, ErrorType: qerr.ErrorType(qerr.Forbidden)})
			}
			continue
		}
		if !first {
			w.out.WriteByte(',')
		}
		first = false
		writeKey(&w.out, k)
		p := append(path[:len(path):len(path)], k)
		switch {
		case o != nil && o.Nested != nil && o.Connection != nil:
			err = w.connection(p, o.Nested)
		case o != nil && o.Nested != nil:
			err = w.object(p, o.Nested)
		default:
			err = w.raw()
		}
		if err != nil {
			return err
		}
	}
	w.out.WriteByte('}')
	_, err := w.dec.Token()
	return err
}

// connection walks {items: [...], nextToken, __typename}.
func (w *flagWalker) connection(path []any, sel *plan.Select) error {
	if ok, err := w.open('{'); !ok || err != nil {
		return err
	}
	first := true
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		if !first {
			w.out.WriteByte(',')
		}
		first = false
		writeKey(&w.out, k)
		p := append(path[:len(path):len(path)], k)
		if k != "items" {
			if err := w.raw(); err != nil {
				return err
			}
			continue
		}
		if ok, err := w.open('['); !ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		for i := 0; w.dec.More(); i++ {
			if i > 0 {
				w.out.WriteByte(',')
			}
			if err := w.object(append(p[:len(p):len(p)], i), sel); err != nil {
				return err
			}
		}
		w.out.WriteByte(']')
		if _, err := w.dec.Token(); err != nil {
			return err
		}
	}
	w.out.WriteByte('}')
	_, err := w.dec.Token()
	return err
}

// takeRow splits a mutation's object into what the client asked for and
// the row's every field, which the plan added under hidden keys
// (plan.RowKey) for the change event.
func takeRow(val []byte) (out, row json.RawMessage, err error) {
	if out, row, ok := splitRow(val); ok {
		return out, row, nil
	}
	return takeRowDecoded(val)
}

func takeRowDecoded(val []byte) (out, row json.RawMessage, err error) {
	dec := json.NewDecoder(bytes.NewReader(val))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, qerr.New(qerr.Internal, "a mutation's result is not an object")
	}
	var o, r bytes.Buffer
	o.WriteByte('{')
	r.WriteByte('{')
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, qerr.Wrap(qerr.Internal, "read a mutation's result", err)
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, qerr.Wrap(qerr.Internal, "read a mutation's result", err)
		}
		dst, key := &o, k
		if name, ok := plan.RowField(k); ok {
			dst, key = &r, name
		}
		if dst.Len() > 1 {
			dst.WriteByte(',')
		}
		writeKey(dst, key)
		dst.Write(v)
	}
	o.WriteByte('}')
	r.WriteByte('}')
	return o.Bytes(), r.Bytes(), nil
}

// redactedErrors reports an Unauthorized error for each field a custom
// operation's result holds null because the caller may not read it
// (plan.Column.Redacted), on its path, as field-level denials elsewhere.
func redactedErrors(val []byte, r plan.Root) []Error {
	obj := r.Custom.Return.Object
	if obj == nil {
		return nil
	}
	var keys []plan.Column
	for _, c := range obj.Fields {
		if c.Redacted {
			keys = append(keys, c)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	deny := func(path []any) []Error {
		var out []Error
		for _, c := range keys {
			p := append(path[:len(path):len(path)], c.Key)
			out = append(out, Error{Message: authz.Denial(c.Field.Name, obj.Name), Path: p, ErrorType: qerr.ErrorType(qerr.Forbidden)})
		}
		return out
	}
	if !r.Custom.Return.Type.List {
		if string(bytes.TrimSpace(val)) == "null" {
			return nil
		}
		return deny([]any{r.Key})
	}
	var items []json.RawMessage
	if json.Unmarshal(val, &items) != nil {
		return nil
	}
	var out []Error
	for i, it := range items {
		if string(bytes.TrimSpace(it)) != "null" {
			out = append(out, deny([]any{r.Key, i})...)
		}
	}
	return out
}
