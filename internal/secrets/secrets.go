// Package secrets stores and reads the named secrets a project refers to
// (SQL_CONNECTION_STRING, a CA certificate, API keys) and keeps their values
// out of output.
//
// The sandbox store is one JSON file per project under
// os.UserConfigDir()/quarry/sandbox/ (so XDG_CONFIG_HOME is honoured), keyed
// by the project's absolute path, outside the repository, with mode 0600.
// In production (`quarry serve`) the same names come from environment
// variables or from files in a --secrets-dir, one file per name.
package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ErrNotFound is returned for a secret that is not set.
var ErrNotFound = errors.New("secret not set")

// Getter reads secrets by name.
type Getter interface {
	Get(name string) (string, error)
}

var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CheckName rejects names that could not also be environment variables.
func CheckName(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("secret name %q is not valid: use letters, digits and _ (like an environment variable), e.g. SQL_CONNECTION_STRING", name)
	}
	return nil
}

// Sandbox is the per-project store used by `quarry sandbox`.
type Sandbox struct {
	project string
	path    string
}

// OpenSandbox returns the store of the project at projectDir.
func OpenSandbox(projectDir string) (*Sandbox, error) {
	abs, err := filepath.Abs(projectDir)
	if err != nil {
		return nil, fmt.Errorf("secrets: project path: %w", err)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("secrets: no config directory (set XDG_CONFIG_HOME or HOME): %w", err)
	}
	sum := sha256.Sum256([]byte(abs))
	return &Sandbox{
		project: abs,
		path:    filepath.Join(base, "quarry", "sandbox", hex.EncodeToString(sum[:8])+".json"),
	}, nil
}

// Path is the file the secrets live in.
func (s *Sandbox) Path() string { return s.path }

type sandboxFile struct {
	// Project is written for people who look at the file; lookups use the
	// hashed file name.
	Project string            `json:"project"`
	Secrets map[string]string `json:"secrets"`
}

func (s *Sandbox) load() (sandboxFile, error) {
	f := sandboxFile{Project: s.project, Secrets: map[string]string{}}
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("secrets: read %s: %w", s.path, err)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, fmt.Errorf("secrets: %s is not valid JSON (fix or delete it): %w", s.path, err)
	}
	if f.Secrets == nil {
		f.Secrets = map[string]string{}
	}
	return f, nil
}

func (s *Sandbox) save(f sandboxFile) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	// Write a new file and rename it over the old one, so a crash never
	// leaves a half-written store and the value never sits in a file with
	// looser permissions.
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".secrets-*")
	if err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("secrets: %w", err)
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fmt.Errorf("secrets: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	return nil
}

// Set stores value under name.
func (s *Sandbox) Set(name, value string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	f, err := s.load()
	if err != nil {
		return err
	}
	f.Secrets[name] = value
	return s.save(f)
}

// Get returns the value of name, or ErrNotFound.
func (s *Sandbox) Get(name string) (string, error) {
	f, err := s.load()
	if err != nil {
		return "", err
	}
	v, ok := f.Secrets[name]
	if !ok {
		return "", fmt.Errorf("%w: %s (set it with: quarry sandbox secret set %s)", ErrNotFound, name, name)
	}
	return v, nil
}

// List returns the names of the stored secrets, sorted.
func (s *Sandbox) List() ([]string, error) {
	f, err := s.load()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(f.Secrets))
	for n := range f.Secrets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// Remove deletes name; removing a name that is not set is an error, so a
// typo does not pass silently.
func (s *Sandbox) Remove(name string) error {
	f, err := s.load()
	if err != nil {
		return err
	}
	if _, ok := f.Secrets[name]; !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	delete(f.Secrets, name)
	return s.save(f)
}

// Values returns every stored value, for redaction.
func (s *Sandbox) Values() []string {
	f, err := s.load()
	if err != nil {
		return nil
	}
	vals := make([]string, 0, len(f.Secrets))
	for _, v := range f.Secrets {
		vals = append(vals, v)
	}
	return vals
}

// Production reads secrets as `quarry serve` does: from a file named after
// the secret in Dir when Dir is set and the file exists, else from the
// environment variable of that name.
type Production struct {
	Dir    string
	Lookup func(string) (string, bool) // os.LookupEnv by default
}

// Get returns the value of name, or ErrNotFound.
func (p Production) Get(name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	if p.Dir != "" {
		raw, err := os.ReadFile(filepath.Join(p.Dir, name))
		if err == nil {
			// Files written by editors and by `echo` end in a newline that is
			// not part of the secret.
			return strings.TrimRight(string(raw), "\r\n"), nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("secrets: read %s: %w", filepath.Join(p.Dir, name), err)
		}
	}
	lookup := p.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if v, ok := lookup(name); ok {
		return v, nil
	}
	where := "the environment variable " + name
	if p.Dir != "" {
		where = fmt.Sprintf("%s or the file %s", where, filepath.Join(p.Dir, name))
	}
	return "", fmt.Errorf("%w: %s (set %s)", ErrNotFound, name, where)
}
