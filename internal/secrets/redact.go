package secrets

import (
	"net/url"
	"sort"
	"strings"
)

// Redactor removes known secret values from text before it is shown.
// Values shorter than four characters are not redacted: they would mangle
// ordinary words and reveal little.
type Redactor struct {
	values []string
}

// Mask replaces a redacted value.
const Mask = "[REDACTED]"

// Add registers values to hide, and for a URL-shaped value also the parts
// of it that could show up alone (the password, in plain and encoded form).
func (r *Redactor) Add(values ...string) {
	for _, v := range values {
		r.add(v)
		if u, err := url.Parse(v); err == nil && u.User != nil {
			if pw, ok := u.User.Password(); ok {
				r.add(pw)
				r.add(url.QueryEscape(pw))
				r.add(url.PathEscape(pw))
			}
		}
	}
	// Longest first, so a value that contains another is hidden whole.
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
}

func (r *Redactor) add(v string) {
	if len(v) < 4 {
		return
	}
	for _, x := range r.values {
		if x == v {
			return
		}
	}
	r.values = append(r.values, v)
}

// Redact returns s with every registered value replaced by Mask.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, Mask)
	}
	return s
}
