package schema

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
)

// SanitizeName turns a table or column name into a GraphQL name the way the
// reference does: leading characters up to the first ASCII letter are
// dropped, each run of characters outside [A-Za-z0-9_] becomes one "_",
// and a name with no letter at all becomes prefix+digits ("field123",
// "Model2024"). Names that are already valid come back unchanged.
func SanitizeName(name, prefix string) string {
	start := strings.IndexFunc(name, isASCIILetter)
	if start < 0 {
		var digits strings.Builder
		for _, r := range name {
			if r >= '0' && r <= '9' {
				digits.WriteRune(r)
			}
		}
		return prefix + digits.String()
	}
	var b strings.Builder
	inRun := false
	for _, r := range name[start:] {
		if isASCIILetter(r) || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
			inRun = false
			continue
		}
		if !inRun {
			b.WriteByte('_')
			inRun = true
		}
	}
	return b.String()
}

func isASCIILetter(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) }

// PascalCase joins words, each starting with an upper-case letter, after
// splitting them on every character that cannot appear in a GraphQL name:
// PascalCase("every_type", "c_mood") == "EveryTypeCMood". The reference
// names a column's enum PascalCase(table, column).
func PascalCase(words ...string) string {
	var b strings.Builder
	for _, w := range words {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool {
			return !(isASCIILetter(r) || (r >= '0' && r <= '9'))
		}) {
			b.WriteString(strings.ToUpper(part[:1]))
			b.WriteString(part[1:])
		}
	}
	return b.String()
}

// IsGraphQLName reports whether s matches [_A-Za-z][_0-9A-Za-z]*.
func IsGraphQLName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || isASCIILetter(r) || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// Identifier is the data source identifier written into the generated
// schema: "ID" + base64(md5(host + engine + database + port)) with every
// non-alphanumeric character removed, as the reference computes it. It
// depends only on where the database is, so regeneration keeps it.
func Identifier(host, engine, database string, port int) string {
	sum := md5.Sum([]byte(fmt.Sprintf("%s%s%s%d", host, engine, database, port)))
	enc := base64.StdEncoding.EncodeToString(sum[:])
	return "ID" + strings.Map(func(r rune) rune {
		if isASCIILetter(r) || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, enc)
}

// irregularPlurals covers the English nouns that table names commonly use
// and suffix rules get wrong.
var irregularPlurals = map[string]string{
	"person": "people", "child": "children", "man": "men", "woman": "women",
	"mouse": "mice", "goose": "geese", "foot": "feet", "tooth": "teeth",
	"datum": "data", "index": "indices", "matrix": "matrices", "vertex": "vertices",
	"analysis": "analyses", "criterion": "criteria", "status": "statuses", "quiz": "quizzes",
}

// uncountable nouns keep their form.
var uncountable = map[string]bool{
	"data": true, "information": true, "equipment": true, "news": true, "series": true,
	"species": true, "media": true, "metadata": true, "feedback": true, "software": true,
}

// Plural returns the English plural of a model name, keeping the case of
// its first letter and of its last word: Plural("Event") == "Events",
// Plural("category") == "categories", Plural("person") == "people". Names
// that already end like a plural ("employees") are kept.
func Plural(name string) string {
	if name == "" {
		return name
	}
	// The last word decides: split off the part after the last '_' or the
	// last upper-case letter that starts a word.
	cut := 0
	for i, r := range name {
		if r == '_' {
			cut = i + 1
		} else if i > 0 && unicode.IsUpper(r) {
			cut = i
		}
	}
	head, word := name[:cut], name[cut:]
	lower := strings.ToLower(word)
	switch {
	case word == "":
		return name + "s"
	case uncountable[lower]:
		return name
	case irregularPlurals[lower] != "":
		p := irregularPlurals[lower]
		if unicode.IsUpper(rune(word[0])) {
			p = strings.ToUpper(p[:1]) + p[1:]
		}
		return head + p
	}
	for _, p := range irregularPlurals {
		if lower == p {
			return name
		}
	}
	n := len(lower)
	switch {
	case strings.HasSuffix(lower, "ss"), strings.HasSuffix(lower, "us"), strings.HasSuffix(lower, "is"):
		return name + "es"
	case strings.HasSuffix(lower, "s"):
		return name // already plural: "employees", "items"
	case strings.HasSuffix(lower, "x"), strings.HasSuffix(lower, "z"),
		strings.HasSuffix(lower, "ch"), strings.HasSuffix(lower, "sh"):
		return name + "es"
	case n > 1 && lower[n-1] == 'y' && !strings.ContainsRune("aeiou", rune(lower[n-2])):
		return name[:len(name)-1] + "ies"
	}
	return name + "s"
}

// UpperFirst upper-cases an ASCII first letter, as JavaScript's
// s.charAt(0).toUpperCase() does for a GraphQL name (which is ASCII): the
// API's root fields and type names ("get" + UpperFirst(model)) and the
// client's own derivations use this one rule.
func UpperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
