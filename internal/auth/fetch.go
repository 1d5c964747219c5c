package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// fetcher makes Quarry's outgoing requests (discovery, JWKS, webhook): each
// with a deadline, and a bounded answer so a hostile or broken endpoint can
// neither hang a request nor exhaust memory.
type fetcher struct {
	client *http.Client
}

// do sends req with timeout and returns the body of a 2xx answer.
func (f fetcher) do(ctx context.Context, timeout time.Duration, method, target string, body []byte, header map[string]string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, errors.New("cannot build request")
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, stripURL(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, stripURL(err)
	}
	if len(b) > maxBodyBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxBodyBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return b, nil
}

// stripURL drops the URL from a transport error: a webhook URL may carry a
// secret in its query, and the cause ends up in logs.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("timed out")
		}
		return ue.Err
	}
	return err
}
