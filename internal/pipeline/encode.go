package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrEncode marks a response WriteJSON could not encode (an error's
// extensions that are not JSON); nothing was written to w then, so the
// caller can write another response in its place.
var ErrEncode = errors.New("pipeline: the response's errors cannot be encoded")

// WriteJSON writes the response body to w. Data is JSON the database
// built and the pipeline assembled; it is written as is, not re-encoded
// (which would re-scan and compact every byte of it) nor first copied
// into a buffer of its own (it may be megabytes). Only the errors, which
// are small, go through encoding/json, before anything is written: a
// failure leaves w untouched.
func (r Response) WriteJSON(w io.Writer) error {
	var errs []byte
	if len(r.Errors) > 0 {
		raw, err := json.Marshal(r.Errors)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrEncode, err)
		}
		errs = raw
	}
	// The pieces go straight to w: an http.ResponseWriter buffers them
	// into one write, and a large Data passes through without a copy.
	pw := pieceWriter{w: w}
	pw.str(`{"data":`)
	if len(r.Data) == 0 {
		pw.str("null")
	} else {
		pw.bytes(r.Data)
	}
	if errs != nil {
		pw.str(`,"errors":`)
		pw.bytes(errs)
	}
	pw.str("}")
	return pw.err
}

// pieceWriter writes pieces until the first error, which it keeps.
type pieceWriter struct {
	w   io.Writer
	err error
}

func (p *pieceWriter) str(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *pieceWriter) bytes(b []byte) {
	if p.err == nil {
		_, p.err = p.w.Write(b)
	}
}
