package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/quarrydata/quarry/bench/peers/workload"
)

// backend runs the floor's statements on one engine.
type backend interface {
	// read runs the read workload name for the request's id and returns
	// the `data` object's JSON.
	read(ctx context.Context, name string, id int64) ([]byte, error)
	// write runs invoice_line_cud for id and returns the `data` object's
	// JSON.
	write(ctx context.Context, id int64) ([]byte, error)
	// has says whether the engine has a statement for read workload name.
	has(name string) bool
	close()
}

// maxBody bounds a request body; the workloads' bodies are a few hundred
// bytes.
const maxBody = 1 << 20

// request is the part of a GraphQL request body the floor reads: every
// workload's only variable is "id".
type request struct {
	Variables struct {
		ID *int64 `json:"id"`
	} `json:"variables"`
}

// handlerFor serves workload w.
func handlerFor(db backend, w workload.Workload) (http.Handler, error) {
	if !w.Write && !db.has(w.Name) {
		return nil, fmt.Errorf("no statement for workload %s", w.Name)
	}
	needsID := w.Vars != nil
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxBody))
		if err != nil {
			fail(rw, http.StatusBadRequest, fmt.Errorf("read body: %w", err))
			return
		}
		var req request
		if err := json.Unmarshal(body, &req); err != nil {
			fail(rw, http.StatusBadRequest, fmt.Errorf("decode body: %w", err))
			return
		}
		var id int64
		if needsID {
			if req.Variables.ID == nil {
				fail(rw, http.StatusBadRequest, fmt.Errorf("%s needs variable id", w.Name))
				return
			}
			id = *req.Variables.ID
		}
		var data []byte
		if w.Write {
			data, err = db.write(r.Context(), id)
		} else {
			data, err = db.read(r.Context(), w.Name, id)
		}
		if err != nil {
			fail(rw, http.StatusInternalServerError, fmt.Errorf("%s: %w", w.Name, err))
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		out := make([]byte, 0, len(data)+10)
		out = append(out, `{"data":`...)
		out = append(out, data...)
		out = append(out, '}')
		_, _ = rw.Write(out) // the client went away; nothing to do
	}), nil
}

// fail answers with a GraphQL-shaped error, so the driver's verification
// shows the message.
func fail(rw http.ResponseWriter, status int, err error) {
	msg, _ := json.Marshal(err.Error())
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_, _ = fmt.Fprintf(rw, `{"data":null,"errors":[{"message":%s}]}`, msg)
}
