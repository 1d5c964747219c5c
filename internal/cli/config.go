package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/knadh/koanf/parsers/toml/v2"
	"github.com/knadh/koanf/parsers/yaml"
	envprovider "github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// defaultConfigFile is read when neither --config nor QUARRY_CONFIG names
// a file and it exists in the working directory; startup logs that it was.
const defaultConfigFile = "quarry.yaml"

// configSource says where the flags of a command came from besides the
// command line, for the startup log line. It never holds values.
type configSource struct {
	// file is the config file read ("" when none), implicit when it was
	// ./quarry.yaml found without being asked for.
	file     string
	implicit bool
	// keys are the file's keys that set a flag of this command.
	keys []string
}

// loadConfig sets every flag of cmd that the command line left alone from,
// in this order of precedence, the environment variable QUARRY_<FLAG>
// (--max-body → QUARRY_MAX_BODY) and the config file (--config, else
// QUARRY_CONFIG, else ./quarry.yaml when present), whose keys are flag
// names (max-body: 2097152). Flags set nowhere keep their defaults.
//
// environ is the process environment (os.Environ). The layers are merged
// by koanf: file, then environment, then the flags given on the command
// line (posflag) on top. Errors never quote a value from the file: a file
// may hold a URL with a password (broker), and errors reach the log.
func loadConfig(cmd *cobra.Command, environ []string) (configSource, error) {
	var src configSource
	fromEnv := envOf(environ)
	path, explicit := configPath(cmd, fromEnv)
	k := koanf.New(".")
	kf := koanf.New(".")
	if path != "" {
		if err := loadConfigFile(kf, path, explicit); err != nil {
			return src, err
		}
		src.file, src.implicit = path, !explicit
		if err := checkFileKeys(cmd, kf, path); err != nil {
			return src, err
		}
		_ = k.Merge(kf)
	}
	ke := koanf.New(".")
	err := ke.Load(envprovider.Provider("", envprovider.Opt{
		Prefix:      "QUARRY_",
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(name, v string) (string, any) {
			// An empty variable is as good as unset, as before.
			if v == "" {
				return "", nil
			}
			return flagNameOf(name), v
		},
	}), nil)
	if err != nil {
		return src, fmt.Errorf("read QUARRY_* environment variables: %w", err)
	}
	_ = k.Merge(ke)
	// Flags given on the command line go on top; those left alone are
	// not merged, so they cannot hide a value from the file or the
	// environment.
	err = k.Load(posflag.ProviderWithFlag(cmd.Flags(), ".", k, func(fl *pflag.Flag) (string, any) {
		if !fl.Changed {
			return "", nil
		}
		return fl.Name, posflag.FlagVal(cmd.Flags(), fl)
	}), nil)
	if err != nil {
		return src, fmt.Errorf("read flags: %w", err)
	}

	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if err != nil || fl.Changed || fl.Name == "config" || !k.Exists(fl.Name) {
			return
		}
		if ke.Exists(fl.Name) {
			name := "QUARRY_" + strings.ToUpper(strings.ReplaceAll(fl.Name, "-", "_"))
			v := ke.String(fl.Name)
			if serr := fl.Value.Set(v); serr != nil {
				err = usageError{fmt.Errorf("%s=%q: %v (it sets --%s)", name, v, serr, fl.Name)}
			}
			return
		}
		if serr := setFromFile(fl, k.Get(fl.Name)); serr != nil {
			err = usageError{fmt.Errorf("config file %s: %s: %w", path, fl.Name, serr)}
			return
		}
		src.keys = append(src.keys, fl.Name)
	})
	return src, err
}

// applyConfig runs before every command: flags from the environment and
// the config file, then the logger they ask for, then one line saying
// which config file was read (its key names, never its values).
func (e *env) applyConfig(cmd *cobra.Command) error {
	src, err := loadConfig(cmd, os.Environ())
	if err != nil {
		return err
	}
	if err := e.setLogger(e.logFormat, e.logLevel); err != nil {
		return err
	}
	switch {
	case src.file == "":
	case src.implicit:
		e.log.Info("config file read: ./"+defaultConfigFile+" was found in the working directory (name another with --config, or none with --config /dev/null)", "file", src.file, "keys", strings.Join(src.keys, ","))
	default:
		e.log.Info("config file read", "file", src.file, "keys", strings.Join(src.keys, ","))
	}
	return nil
}

// addConfigFlag adds --config to the root command.
func addConfigFlag(fs *pflag.FlagSet) {
	fs.String("config", "", "YAML (or .toml) file of flag values, keys named as the flags (pool: 32); flags and QUARRY_* variables win over it (default: ./"+defaultConfigFile+" when present; also QUARRY_CONFIG)")
}

// envOf turns KEY=value lines into a map.
func envOf(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// flagNameOf is the flag QUARRY_<FLAG> sets: QUARRY_MAX_BODY → max-body.
func flagNameOf(variable string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(variable, "QUARRY_")), "_", "-")
}

// configPath is the config file to read: --config, else QUARRY_CONFIG,
// else ./quarry.yaml when it exists (explicit is then false).
func configPath(cmd *cobra.Command, environ map[string]string) (path string, explicit bool) {
	if fl := cmd.Flags().Lookup("config"); fl != nil && fl.Changed {
		return fl.Value.String(), true
	}
	if p := environ["QUARRY_CONFIG"]; p != "" {
		return p, true
	}
	if st, err := os.Stat(defaultConfigFile); err == nil && st.Mode().IsRegular() {
		return defaultConfigFile, false
	}
	return "", false
}

// loadConfigFile parses path as YAML, or TOML when it ends in .toml.
func loadConfigFile(k *koanf.Koanf, path string, explicit bool) error {
	var parser koanf.Parser = yaml.Parser()
	kind := "YAML"
	if strings.EqualFold(filepath.Ext(path), ".toml") {
		parser, kind = toml.Parser(), "TOML"
	}
	if err := k.Load(file.Provider(path), parser); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			how := "--config"
			if !explicit {
				how = "the working directory"
			}
			return usageError{fmt.Errorf("config file %s (from %s) does not exist: check the path, or leave --config and QUARRY_CONFIG unset", path, how)}
		}
		if errors.Is(err, fs.ErrPermission) {
			return usageError{fmt.Errorf("config file %s cannot be read: %w", path, err)}
		}
		return usageError{fmt.Errorf("config file %s is not valid %s: %w", path, kind, err)}
	}
	return nil
}

// checkFileKeys refuses keys no command has a flag for (naming the closest
// flag), the config file naming another one, and credentials in the file.
// Keys of flags other commands have (a file shared by serve and sandbox)
// are accepted and ignored by commands without them.
func checkFileKeys(cmd *cobra.Command, k *koanf.Koanf, path string) error {
	known := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(fl *pflag.Flag) { known[fl.Name] = true }
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd.Root())
	keys := k.Keys()
	sort.Strings(keys)
	for _, key := range keys {
		switch {
		case key == "config":
			return usageError{fmt.Errorf("config file %s: key config: a config file cannot name another one; pass --config or QUARRY_CONFIG instead", path)}
		case !known[key] && known[strings.SplitN(key, ".", 2)[0]]:
			return usageError{fmt.Errorf("config file %s: %s: want a single value or a list, got a map", path, strings.SplitN(key, ".", 2)[0])}
		case !known[key]:
			msg := fmt.Sprintf("config file %s: unknown key %q: keys are flag names at the top level (pool: 32, max-list-limit: 500)", path, key)
			if near := closestFlag(key, known); near != "" {
				msg = fmt.Sprintf("config file %s: unknown key %q: did you mean %q?", path, key, near)
			}
			return usageError{errors.New(msg)}
		case key == "broker" && hasPassword(k.Get(key)):
			return usageError{fmt.Errorf("config file %s: broker: the URL holds a password, and a config file is not a place for credentials: set QUARRY_BROKER in the environment instead", path)}
		}
	}
	return nil
}

// closestFlag is the flag name nearest to key, if one is near enough to be
// a typo (at most a third of its letters, and at least 2, differ).
func closestFlag(key string, known map[string]bool) string {
	best, bestD := "", -1
	for name := range known {
		d := levenshtein.ComputeDistance(key, name)
		if bestD < 0 || d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	if bestD < 0 || bestD > max(2, len(key)/3) {
		return ""
	}
	return best
}

func hasPassword(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return false
	}
	_, set := u.User.Password()
	return set || u.User.Username() != ""
}

// setFromFile sets fl from a parsed config value, refusing a value of the
// wrong kind (a list for a number, text for a switch). The value itself is
// never quoted back.
func setFromFile(fl *pflag.Flag, v any) error {
	switch fl.Value.Type() {
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %s", kindOf(v))
		}
		return fl.Value.Set(strconv.FormatBool(b))
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		n, ok := wholeNumber(v)
		if !ok {
			return fmt.Errorf("want a whole number, got %s", kindOf(v))
		}
		if err := fl.Value.Set(strconv.FormatInt(n, 10)); err != nil {
			return errors.New("the number is out of range")
		}
		return nil
	case "duration":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a duration such as 30s or 5m, got %s", kindOf(v))
		}
		if _, err := time.ParseDuration(s); err != nil {
			return errors.New("want a duration such as 30s or 5m (a number and a unit: ms, s, m, h)")
		}
		return fl.Value.Set(s)
	case "stringSlice", "stringArray":
		var items []string
		switch x := v.(type) {
		case string:
			items = []string{x}
		case []any:
			for _, it := range x {
				s, ok := it.(string)
				if !ok {
					return fmt.Errorf("want a list of text, got an item that is %s", kindOf(it))
				}
				items = append(items, s)
			}
		default:
			return fmt.Errorf("want a list of text ([a, b]), got %s", kindOf(v))
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			return sv.Replace(items)
		}
		return fl.Value.Set(strings.Join(items, ","))
	case "string":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want text, got %s (quote it)", kindOf(v))
		}
		return fl.Value.Set(s)
	}
	switch v.(type) {
	case map[string]any, []any, nil:
		return fmt.Errorf("want a single value, got %s", kindOf(v))
	}
	if err := fl.Value.Set(fmt.Sprint(v)); err != nil {
		return fmt.Errorf("not a valid %s", fl.Value.Type())
	}
	return nil
}

// wholeNumber accepts the integer types YAML and TOML parsers produce.
func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		if n > 1<<63-1 {
			return 0, false
		}
		return int64(n), true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}

// kindOf names the kind of a parsed value, not the value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "no value"
	case bool:
		return "true/false"
	case string:
		return "text"
	case int, int64, uint64:
		return "a whole number"
	case float64:
		return "a number with a fraction"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("a %T", v)
}
