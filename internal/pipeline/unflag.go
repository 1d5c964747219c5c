package pipeline

import (
	"bytes"
	"encoding/json"

	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
)

// unflag takes the Flag outputs (plan.Output.Flag) out of a root field's
// JSON and returns, for each that is set, an Unauthorized error on the
// path of the field it flags, as AppSync's field resolvers report a field
// the caller may not read (the field itself is already null). Only root
// fields that select such fields pay for this pass.
func unflag(val []byte, root string) (json.RawMessage, []Error, error) {
	dec := json.NewDecoder(bytes.NewReader(val))
	dec.UseNumber()
	w := flagWalker{dec: dec}
	w.out.Grow(len(val))
	if err := w.value([]any{root}); err != nil {
		return nil, nil, qerr.Wrap(qerr.Internal, "read field-level authorization flags", err)
	}
	return w.out.Bytes(), w.errs, nil
}

type flagWalker struct {
	dec  *json.Decoder
	out  bytes.Buffer
	errs []Error
}

func (w *flagWalker) value(path []any) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return w.object(path)
		}
		return w.array(path)
	case string:
		writeString(&w.out, t)
	case json.Number:
		w.out.WriteString(t.String())
	case bool:
		if t {
			w.out.WriteString("true")
		} else {
			w.out.WriteString("false")
		}
	case nil:
		w.out.WriteString("null")
	}
	return nil
}

func (w *flagWalker) object(path []any) error {
	w.out.WriteByte('{')
	first := true
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		if typ, field, key, ok := plan.FlaggedKey(k); ok {
			var set any
			if err := w.dec.Decode(&set); err != nil {
				return err
			}
			if set != nil {
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
		if err := w.value(append(path, k)); err != nil {
			return err
		}
	}
	w.out.WriteByte('}')
	_, err := w.dec.Token()
	return err
}

func (w *flagWalker) array(path []any) error {
	w.out.WriteByte('[')
	for i := 0; w.dec.More(); i++ {
		if i > 0 {
			w.out.WriteByte(',')
		}
		if err := w.value(append(path, i)); err != nil {
			return err
		}
	}
	w.out.WriteByte(']')
	_, err := w.dec.Token()
	return err
}

// takeRow splits a mutation's object into what the client asked for and
// the row's every field, which the plan added under hidden keys
// (plan.RowKey) for the change event.
func takeRow(val []byte) (out, row json.RawMessage, err error) {
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
