package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/quarrydata/quarry/internal/schema"
)

// Outputs holds the deployment settings written into amplify_outputs.json
// beside the model introspection.
type Outputs struct {
	// URL is the GraphQL endpoint; the client POSTs to it verbatim and
	// derives the realtime URL from it.
	URL string
	// Region is only used by the client to sign IAM requests (service
	// "appsync"), but the file format requires it.
	Region string
	// APIKey is sent as x-api-key in apiKey mode; left out when empty.
	APIKey string
	// DefaultAuthType is one of the AppSync mode names (API_KEY,
	// AMAZON_COGNITO_USER_POOLS, AWS_IAM, AWS_LAMBDA, OPENID_CONNECT).
	DefaultAuthType string
	// AuthTypes lists the other modes the API accepts, for tools; the JS
	// client never reads it.
	AuthTypes []string
}

// OutputsJSON renders the amplify_outputs.json that makes the aws-amplify
// v6 client (Amplify.configure + generateClient) talk to the API that
// api.Build serves for s: the data section with the endpoint and auth
// settings, and the model introspection from which the client builds
// client.models, .enums, .queries and .mutations and writes its documents
// (amplify-client-wire.md §1, §2; amplify-sql.md §9). Keys come out in a
// fixed order, so the same IR always gives the same bytes.
func OutputsJSON(s *schema.Schema, o Outputs) ([]byte, error) {
	if o.URL == "" {
		return nil, fmt.Errorf("codegen: amplify_outputs.json needs the API URL")
	}
	// The client maps an unknown default mode to undefined and then
	// silently signs every request with IAM (wire §1), so a typo must
	// fail here rather than show up as auth errors at run time.
	if !isAuthType(o.DefaultAuthType) {
		return nil, fmt.Errorf("codegen: default authorization type %q is not one of %s", o.DefaultAuthType, strings.Join(authTypes(), ", "))
	}
	for _, t := range o.AuthTypes {
		if !isAuthType(t) {
			return nil, fmt.Errorf("codegen: authorization type %q is not one of %s", t, strings.Join(authTypes(), ", "))
		}
	}
	mi, err := modelIntrospection(s)
	if err != nil {
		return nil, err
	}
	data := &object{}
	data.set("url", o.URL)
	data.set("aws_region", o.Region)
	if o.APIKey != "" {
		data.set("api_key", o.APIKey)
	}
	data.set("default_authorization_type", o.DefaultAuthType)
	data.set("authorization_types", strs(o.AuthTypes))
	data.set("model_introspection", mi)

	// The client only reads data when version is a string starting with
	// "1"; anything else is taken for a legacy config and data is
	// ignored without a warning (wire §1).
	root := &object{}
	root.set("version", "1.4")
	root.set("data", data)

	var compact bytes.Buffer
	if err := writeJSON(&compact, root); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("codegen: %v", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// authTypes are the values the client maps to an auth mode (wire §1).
// It is a function so that no caller can change the list for everyone.
func authTypes() []string {
	return []string{"API_KEY", "AMAZON_COGNITO_USER_POOLS", "AWS_IAM", "AWS_LAMBDA", "OPENID_CONNECT"}
}

func isAuthType(t string) bool { return slices.Contains(authTypes(), t) }

func modelIntrospection(s *schema.Schema) (*object, error) {
	mi := &object{}
	mi.set("version", 1)
	models := &object{}
	for _, m := range s.Models {
		mo, err := introspectModel(s, m)
		if err != nil {
			return nil, err
		}
		models.set(m.Name, mo)
	}
	mi.set("models", models)

	enums := &object{}
	for _, e := range s.Enums {
		eo := &object{}
		eo.set("name", e.Name)
		eo.set("values", strs(e.Values))
		enums.set(e.Name, eo)
	}
	mi.set("enums", enums)

	nonModels := &object{}
	for _, t := range s.Types {
		fields := &object{}
		for _, f := range t.Fields {
			fo, err := typeRefEntry(s, f.Name, f.Type, true)
			if err != nil {
				return nil, fmt.Errorf("codegen: custom type %s, field %s: %v", t.Name, f.Name, err)
			}
			fields.set(f.Name, fo)
		}
		to := &object{}
		to.set("name", t.Name)
		to.set("fields", fields)
		nonModels.set(t.Name, to)
	}
	mi.set("nonModels", nonModels)

	for _, g := range []struct {
		key string
		ops []*schema.Operation
	}{{"queries", s.Queries}, {"mutations", s.Mutations}, {"subscriptions", s.Subscriptions}} {
		if len(g.ops) == 0 {
			continue
		}
		ops := &object{}
		for _, op := range g.ops {
			oo, err := operationEntry(s, op)
			if err != nil {
				return nil, err
			}
			ops.set(op.Name, oo)
		}
		mi.set(g.key, ops)
	}
	return mi, nil
}

// pluralName is the pluralName written for a model. The client names the
// list query "list" + pluralName with its first letter upper-cased
// (generateGraphQLDocument in @aws-amplify/data-schema's APIClient), and
// the api package names it "list" + schema.Plural(schema.UpperFirst(name)); so
// writing exactly the api package's plural makes the two agree for every
// name, including lower-case table names ("event" → "Events").
func pluralName(m *schema.Model) string {
	return schema.Plural(schema.UpperFirst(m.Name))
}

func introspectModel(s *schema.Schema, m *schema.Model) (*object, error) {
	errf := func(format string, args ...any) error {
		return fmt.Errorf("codegen: model %s: "+format, append([]any{m.Name}, args...)...)
	}
	if len(m.PrimaryKey) == 0 {
		return nil, errf("no primary key")
	}
	for _, k := range m.PrimaryKey {
		if m.Field(k) == nil {
			return nil, errf("primary key field %s is not a field", k)
		}
	}
	isKey := func(name string) bool { return slices.Contains(m.PrimaryKey, name) }

	fields := &object{}
	for _, f := range m.Fields {
		typ, err := typeOf(s, f.Type, f.IsEnum)
		if err != nil {
			return nil, errf("field %s: %v", f.Name, err)
		}
		if s.Model(f.Type) != nil || s.Type(f.Type) != nil {
			// Columns hold scalars and enums; objects are relationships.
			return nil, errf("field %s has the object type %s", f.Name, f.Type)
		}
		fo := &object{}
		fo.set("name", f.Name)
		fo.set("isArray", f.IsList)
		fo.set("type", typ)
		// As in the object type api.Build prints: a key is non-null even
		// when the column is not declared NOT NULL, and for a list the
		// flag is about the elements ([String!]), which is also how the
		// client reads isRequired on lists.
		fo.set("isRequired", f.Required || (!f.IsList && isKey(f.Name)))
		fo.set("attributes", []any{})
		if f.IsList {
			// api.Build never makes a list field itself non-null.
			fo.set("isArrayNullable", true)
		}
		// The client leaves isReadOnly fields out of update inputs. A
		// computed column is not in UpdateXInput at all, and a value the
		// database generates is not for the caller to change; a generated
		// key stays writable because update and delete name the row by it.
		if f.ReadOnly || (f.DBGenerated && !isKey(f.Name)) {
			fo.set("isReadOnly", true)
		}
		if fields.has(f.Name) {
			return nil, errf("two fields named %s", f.Name)
		}
		fields.set(f.Name, fo)
	}
	for _, r := range m.Relationships {
		target := s.Model(r.Target)
		if target == nil {
			return nil, errf("relationship %s: no model %s", r.Name, r.Target)
		}
		assoc := &object{}
		// The references are fields of the model holding the foreign key:
		// this one for belongsTo (the client reads the values there to
		// fetch the parent), the target for hasMany and hasOne (the client
		// filters the target on them).
		holder := target
		switch r.Kind {
		case schema.BelongsTo:
			holder = m
			assoc.set("connectionType", "BELONGS_TO")
			assoc.set("targetNames", strs(r.References))
		case schema.HasMany:
			assoc.set("connectionType", "HAS_MANY")
			assoc.set("associatedWith", strs(r.References))
		case schema.HasOne:
			assoc.set("connectionType", "HAS_ONE")
			assoc.set("associatedWith", strs(r.References))
		default:
			return nil, errf("relationship %s: unknown kind %q", r.Name, r.Kind)
		}
		for _, ref := range r.References {
			if holder.Field(ref) == nil {
				return nil, errf("relationship %s: %s has no field %s", r.Name, holder.Name, ref)
			}
		}
		ro := &object{}
		ro.set("name", r.Name)
		ro.set("isArray", r.Kind == schema.HasMany)
		ro.set("type", modelRef("model", target.Name))
		ro.set("isRequired", false)
		ro.set("attributes", []any{})
		if r.Kind == schema.HasMany {
			// The connection a hasMany field returns is nullable.
			ro.set("isArrayNullable", true)
		}
		ro.set("association", assoc)
		if fields.has(r.Name) {
			return nil, errf("relationship %s has the name of a field", r.Name)
		}
		fields.set(r.Name, ro)
	}

	modelProps, err := disabledOperations(m)
	if err != nil {
		return nil, errf("%v", err)
	}
	attrs := []any{attribute("model", modelProps)}
	keyProps := &object{}
	keyProps.set("fields", strs(m.PrimaryKey))
	attrs = append(attrs, attribute("key", keyProps))
	attrs = append(attrs, indexAttributes(m)...)
	// Model rules replace the global ones (schema.Model.Auth), so the
	// rules in force are the model's or else the global ones. They matter
	// to the client: owner and groupsField rules add those fields to
	// every default selection set (wire §2.2).
	rules := m.Auth
	if len(rules) == 0 {
		rules = s.Auth
	}
	if len(rules) > 0 {
		list := make([]any, 0, len(rules))
		for _, r := range rules {
			ro, err := authRule(m, r)
			if err != nil {
				return nil, errf("%v", err)
			}
			list = append(list, ro)
		}
		authProps := &object{}
		authProps.set("rules", list)
		attrs = append(attrs, attribute("auth", authProps))
	}

	// The client declares $<pk>, $sortDirection and the sort-key condition
	// in list documents only when isCustomPrimaryKey is set, and it is set
	// exactly as amplify-codegen sets it: the key field is not named "id",
	// or there are sort keys (wire §2.3). The api package accepts those
	// arguments on every list, so either way the document validates.
	pki := &object{}
	pki.set("isCustomPrimaryKey", m.PrimaryKey[0] != "id" || len(m.PrimaryKey) > 1)
	pki.set("primaryKeyFieldName", m.PrimaryKey[0])
	pki.set("sortKeyFieldNames", strs(m.PrimaryKey[1:]))

	mo := &object{}
	mo.set("name", m.Name)
	mo.set("pluralName", pluralName(m))
	mo.set("syncable", true)
	mo.set("fields", fields)
	mo.set("attributes", attrs)
	mo.set("primaryKeyInfo", pki)
	return mo, nil
}

func attribute(typ string, props *object) *object {
	a := &object{}
	a.set("type", typ)
	a.set("properties", props)
	return a
}

// disabledOperations renders schema.Model.Disabled the way the client's
// excludeDisabledOps reads the model attribute's properties: a group set
// to null turns all its operations off, a map of {op: null} some of them.
// The group is written null when all of it is off, as @model(queries:
// null) says it.
func disabledOperations(m *schema.Model) (*object, error) {
	groups := []struct {
		key string
		ops []string
	}{
		{"queries", []string{"get", "list"}},
		{"mutations", []string{"create", "update", "delete"}},
		{"subscriptions", []string{"onCreate", "onUpdate", "onDelete"}},
	}
	for _, d := range m.Disabled {
		known := false
		for _, g := range groups {
			known = known || slices.Contains(g.ops, d)
		}
		if !known {
			return nil, fmt.Errorf("unknown disabled operation %q", d)
		}
	}
	props := &object{}
	for _, g := range groups {
		off := &object{}
		for _, op := range g.ops {
			if slices.Contains(m.Disabled, op) {
				off.set(op, nil)
			}
		}
		switch len(off.keys) {
		case 0:
		case len(g.ops):
			props.set(g.key, nil)
		default:
			props.set(g.key, off)
		}
	}
	return props, nil
}

// authRule renders a rule as amplify-codegen writes rules into the model
// introspection, with the defaults the rule kinds have filled in so the
// file says what is in force: the provider (the first one each rule kind
// accepts, amplify-sql.md §7.1), the owner field ("owner", which is also
// what the client assumes) and the four model operations. The identity
// and group claims stay out unless set: they only matter to the server,
// and the client never reads them.
func authRule(m *schema.Model, r schema.AuthRule) (*object, error) {
	provider := r.Provider
	if provider == "" {
		switch r.Allow {
		case "public":
			provider = "apiKey"
		case "private", "owner", "groups":
			provider = "userPools"
		case "custom":
			provider = "function"
		default:
			return nil, fmt.Errorf("unknown auth rule kind %q", r.Allow)
		}
	}
	ops := r.Operations
	if len(ops) == 0 {
		ops = []string{"create", "update", "delete", "read"}
	}
	o := &object{}
	o.set("allow", r.Allow)
	o.set("provider", provider)
	o.set("operations", strs(ops))
	if r.Allow == "owner" {
		owner := r.OwnerField
		if owner == "" {
			owner = "owner"
		}
		// The client selects the owner field in every default selection
		// set; one the model lacks would make every document invalid.
		if m.Field(owner) == nil {
			return nil, fmt.Errorf("owner rule names field %s, which the model does not have", owner)
		}
		o.set("ownerField", owner)
	}
	if r.IdentityClaim != "" {
		o.set("identityClaim", r.IdentityClaim)
	}
	if len(r.Groups) > 0 {
		o.set("groups", strs(r.Groups))
	}
	if r.GroupsField != "" {
		if m.Field(r.GroupsField) == nil {
			return nil, fmt.Errorf("groups rule names field %s, which the model does not have", r.GroupsField)
		}
		o.set("groupsField", r.GroupsField)
	}
	if r.GroupClaim != "" {
		o.set("groupClaim", r.GroupClaim)
	}
	return o, nil
}

// operationEntry renders a custom query or mutation. The client writes
// the document from it: the variable types from the arguments, the
// selection set from the return type (none for a scalar or an enum).
func operationEntry(s *schema.Schema, op *schema.Operation) (*object, error) {
	o, err := typeRefEntry(s, op.Name, op.Returns, false)
	if err != nil {
		return nil, fmt.Errorf("codegen: operation %s: %v", op.Name, err)
	}
	// Without arguments the key is left out: the client then takes the
	// only parameter as the options ({authMode, headers}), not as
	// arguments.
	if len(op.Args) > 0 {
		args := &object{}
		for _, a := range op.Args {
			if s.Model(a.Type.Name) != nil || s.Type(a.Type.Name) != nil {
				return nil, fmt.Errorf("codegen: operation %s, argument %s: %s is an object type, not an input type", op.Name, a.Name, a.Type.Name)
			}
			ao, err := typeRefEntry(s, a.Name, a.Type, false)
			if err != nil {
				return nil, fmt.Errorf("codegen: operation %s, argument %s: %v", op.Name, a.Name, err)
			}
			args.set(a.Name, ao)
		}
		o.set("arguments", args)
	}
	return o, nil
}

// typeRefEntry renders a custom type's field, an operation or an argument:
// {name, isArray, type, isRequired}, with isArrayNullable for a list.
// For a list, isRequired is about the elements and isArrayNullable about
// the list, which is how the client turns them back into [T!] or [T]!.
// Custom-type fields also carry attributes, as model fields do.
func typeRefEntry(s *schema.Schema, name string, t schema.TypeRef, withAttributes bool) (*object, error) {
	typ, err := typeOf(s, t.Name, false)
	if err != nil {
		return nil, err
	}
	o := &object{}
	o.set("name", name)
	o.set("isArray", t.List)
	o.set("type", typ)
	if t.List {
		o.set("isRequired", t.ElemRequired)
	} else {
		o.set("isRequired", t.Required)
	}
	if withAttributes {
		o.set("attributes", []any{})
	}
	if t.List {
		o.set("isArrayNullable", !t.Required)
	}
	return o, nil
}

// typeOf renders a type name as the client expects it: a scalar as its
// name, anything else as {"model"|"nonModel"|"enum": name}. The client
// treats a plain string as a scalar, so an enum written as a string would
// be selected but filtered and declared wrongly; the enum check therefore
// asks the IR too, not only the field's IsEnum flag.
func typeOf(s *schema.Schema, name string, isEnum bool) (any, error) {
	switch {
	case isEnum || s.Enum(name) != nil:
		if s.Enum(name) == nil {
			return nil, fmt.Errorf("no enum %s", name)
		}
		return modelRef("enum", name), nil
	case s.Model(name) != nil:
		return modelRef("model", name), nil
	case s.Type(name) != nil:
		return modelRef("nonModel", name), nil
	case isScalar(name):
		return name, nil
	}
	return nil, fmt.Errorf("unknown type %s", name)
}

func modelRef(kind, name string) *object {
	o := &object{}
	o.set(kind, name)
	return o
}

// isScalar reports whether name is a GraphQL or AppSync scalar, the only
// plain-string types the client knows.
func isScalar(name string) bool {
	switch name {
	case schema.ID, schema.String, schema.Int, schema.Float, schema.Boolean,
		schema.AWSDate, schema.AWSTime, schema.AWSDateTime, schema.AWSTimestamp,
		schema.AWSJSON, schema.AWSEmail, schema.AWSURL, schema.AWSPhone, schema.AWSIPAddress:
		return true
	}
	return false
}

// strs returns list as JSON array elements, so that a nil slice is
// written as [] rather than null (the client iterates these lists).
func strs(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// object is a JSON object that keeps its keys in the order they were set:
// encoding/json writes maps in sorted key order, and structs cannot have
// keys chosen at run time (model and field names), while the file should
// list models and fields in schema order.
type object struct {
	keys []string
	vals []any
}

func (o *object) set(key string, v any) {
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

func (o *object) has(key string) bool { return slices.Contains(o.keys, key) }

// writeJSON writes v compactly; json.Indent lays it out afterwards.
// Values are *object, []any, string, bool, int or nil.
func writeJSON(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case *object:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeString(b, k); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := writeJSON(b, v.vals[i]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case string:
		return writeString(b, v)
	case bool, int:
		fmt.Fprint(b, v)
	default:
		return fmt.Errorf("codegen: cannot write %T as JSON", v)
	}
	return nil
}

// writeString writes a JSON string without encoding/json's HTML escaping,
// so that a URL or comment reads as written.
func writeString(b *bytes.Buffer, s string) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	// Encode ends the value with a newline; json.Indent would drop it,
	// but the compact form is easier to debug without it.
	b.Truncate(b.Len() - 1)
	return nil
}
