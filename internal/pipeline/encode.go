package pipeline

import (
	"bytes"
	"encoding/json"
)

// WriteJSON writes the response body. Data is JSON the database built and
// the pipeline assembled; it is copied as is, not re-encoded (which would
// re-scan and compact every byte of it). Only the errors, which are small,
// go through encoding/json.
func (r Response) WriteJSON(b *bytes.Buffer) error {
	b.Grow(len(r.Data) + 16)
	b.WriteString(`{"data":`)
	if len(r.Data) == 0 {
		b.WriteString("null")
	} else {
		b.Write(r.Data)
	}
	if len(r.Errors) > 0 {
		b.WriteString(`,"errors":`)
		raw, err := json.Marshal(r.Errors)
		if err != nil {
			return err
		}
		b.Write(raw)
	}
	b.WriteByte('}')
	return nil
}
