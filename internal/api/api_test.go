package api

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
)

func mustBuild(t *testing.T, ir *schema.Schema) *Schema {
	t.Helper()
	s, err := Build(ir)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

func TestGoldenSDL(t *testing.T) {
	s := mustBuild(t, chinook())
	golden.Assert(t, "testdata/chinook.graphql", s.SDL)

	// Building again gives the same text: nothing depends on map order.
	for range 5 {
		if again := mustBuild(t, chinook()); again.SDL != s.SDL {
			t.Fatal("Build is not deterministic")
		}
	}
	// The SDL is self-contained: it loads on its own.
	if _, err := gqlparser.LoadSchema(&ast.Source{Input: s.SDL}); err != nil {
		t.Fatalf("SDL does not load by itself: %v", err)
	}
}

// TestNames pins the names the casing rule gives a lower-case model and
// the key arguments, so a change to the rule shows up as a named failure
// rather than only as a golden diff.
func TestNames(t *testing.T) {
	s := mustBuild(t, chinook())
	for _, name := range []string{
		"event", "ModelEventConnection", "ModelEventFilterInput", "ModelEventConditionInput",
		"ModelSubscriptionEventFilterInput", "CreateEventInput", "UpdateEventInput", "DeleteEventInput",
		"ModelEventStatusInput", "ModelEventStatusListInput",
		"ModelShiftPrimaryCompositeKeyConditionInput", "ModelShiftPrimaryCompositeKeyInput",
		"ModelIntKeyConditionInput", "ModelSortDirection", "ModelAttributeTypes", "ModelSizeInput",
	} {
		if s.AST.Types[name] == nil {
			t.Errorf("type %s is missing", name)
		}
	}
	for _, name := range []string{"ModeleventFilterInput", "ModeleventConnection", "ModelshiftPrimaryCompositeKeyConditionInput"} {
		if s.AST.Types[name] != nil {
			t.Errorf("type %s should not exist (the client upper-cases the model name)", name)
		}
	}
	tests := []struct {
		root, field, args string
	}{
		{"Query", "getEvent", "id: Int!"},
		{"Query", "listEvents", "id: Int, filter: ModelEventFilterInput, limit: Int, nextToken: String, sortDirection: ModelSortDirection, sortBy: [ModelEventSortInput!]"},
		{"Query", "listAlbums", "album_id: Int, filter: ModelAlbumFilterInput, limit: Int, nextToken: String, sortDirection: ModelSortDirection, sortBy: [ModelAlbumSortInput!]"},
		{"Query", "getPlaylistTrack", "PlaylistId: Int!, TrackId: Int!"},
		{"Query", "listPlaylistTracks", "PlaylistId: Int, TrackId: ModelIntKeyConditionInput, filter: ModelPlaylistTrackFilterInput, limit: Int, nextToken: String, sortDirection: ModelSortDirection, sortBy: [ModelPlaylistTrackSortInput!]"},
		{"Query", "getShift", "store_id: Int!, day: AWSDate!, slot: Int!"},
		{"Query", "listShifts", "store_id: Int, daySlot: ModelShiftPrimaryCompositeKeyConditionInput, filter: ModelShiftFilterInput, limit: Int, nextToken: String, sortDirection: ModelSortDirection, sortBy: [ModelShiftSortInput!]"},
		{"Query", "listEmployees", "EmployeeId: Int, filter: ModelEmployeeFilterInput, limit: Int, nextToken: String, sortDirection: ModelSortDirection, sortBy: [ModelEmployeeSortInput!]"},
		{"Mutation", "createEvent", "input: CreateEventInput!, condition: ModelEventConditionInput"},
		{"Subscription", "onCreateEvent", "filter: ModelSubscriptionEventFilterInput"},
	}
	for _, tt := range tests {
		def := s.AST.Types[tt.root]
		f := def.Fields.ForName(tt.field)
		if f == nil {
			t.Errorf("%s.%s is missing", tt.root, tt.field)
			continue
		}
		var args []string
		for _, a := range f.Arguments {
			args = append(args, a.Name+": "+a.Type.String())
		}
		if got := strings.Join(args, ", "); got != tt.args {
			t.Errorf("%s.%s args:\n got  %s\n want %s", tt.root, tt.field, got, tt.args)
		}
	}
}

func TestInputs(t *testing.T) {
	s := mustBuild(t, chinook())
	fields := func(typ string) string {
		def := s.AST.Types[typ]
		if def == nil {
			t.Fatalf("type %s is missing", typ)
		}
		var fs []string
		for _, f := range def.Fields {
			fs = append(fs, f.Name+": "+f.Type.String())
		}
		return strings.Join(fs, ", ")
	}
	tests := []struct{ typ, want string }{
		// DB-generated key optional on create, required on update.
		{"CreateAlbumInput", "album_id: Int, title: String!, artist_id: Int!"},
		{"UpdateAlbumInput", "album_id: Int!, title: String, artist_id: Int"},
		{"DeleteAlbumInput", "album_id: Int!"},
		// ID key optional on create (a UUID fills it); a default makes a field optional.
		{"CreateNoteInput", "id: ID, body: String!, published: Boolean, at: AWSTime, ts: AWSTimestamp, site: AWSURL, phone: AWSPhone, ip: AWSIPAddress, doc: AWSJSON"},
		// A computed column is in neither input; a defaulted one is optional.
		{"CreateShiftInput", "store_id: Int!, day: AWSDate!, slot: Int!, note: String, created_at: AWSDateTime"},
		{"UpdateShiftInput", "store_id: Int!, day: AWSDate!, slot: Int!, note: String, created_at: AWSDateTime"},
		{"DeleteShiftInput", "store_id: Int!, day: AWSDate!, slot: Int!"},
		// Lists keep their element's non-null.
		{"CreateEventInput", "id: Int!, name: String, created_at: AWSDateTime, status: EventStatus!, past_statuses: [EventStatus], tags: [String!], venue_id: Int"},
		// Conditions leave out the key; filters have every field; subscription filters have no not.
		{"ModelShiftConditionInput", "note: ModelStringInput, hours: ModelFloatInput, created_at: ModelStringInput, and: [ModelShiftConditionInput], or: [ModelShiftConditionInput], not: ModelShiftConditionInput"},
		{"ModelEventFilterInput", "id: ModelIntInput, name: ModelStringInput, created_at: ModelStringInput, status: ModelEventStatusInput, past_statuses: ModelEventStatusListInput, tags: ModelStringInput, venue_id: ModelIntInput, and: [ModelEventFilterInput], or: [ModelEventFilterInput], not: ModelEventFilterInput"},
		{"ModelSubscriptionEventFilterInput", "id: ModelSubscriptionIntInput, name: ModelSubscriptionStringInput, created_at: ModelSubscriptionStringInput, status: ModelSubscriptionStringInput, past_statuses: ModelSubscriptionStringInput, tags: ModelSubscriptionStringInput, venue_id: ModelSubscriptionIntInput, and: [ModelSubscriptionEventFilterInput], or: [ModelSubscriptionEventFilterInput]"},
		{"ModelNoteFilterInput", "id: ModelIDInput, body: ModelStringInput, published: ModelBooleanInput, at: ModelStringInput, ts: ModelIntInput, site: ModelStringInput, phone: ModelStringInput, ip: ModelStringInput, doc: ModelStringInput, and: [ModelNoteFilterInput], or: [ModelNoteFilterInput], not: ModelNoteFilterInput"},
		// Operator sets (reference §5.3).
		{"ModelStringInput", "ne: String, eq: String, le: String, lt: String, ge: String, gt: String, contains: String, notContains: String, between: [String], beginsWith: String, attributeExists: Boolean, attributeType: ModelAttributeTypes, size: ModelSizeInput"},
		{"ModelIDInput", "ne: ID, eq: ID, le: ID, lt: ID, ge: ID, gt: ID, contains: ID, notContains: ID, between: [ID], beginsWith: ID, attributeExists: Boolean, attributeType: ModelAttributeTypes, size: ModelSizeInput"},
		{"ModelIntInput", "ne: Int, eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int], attributeExists: Boolean, attributeType: ModelAttributeTypes"},
		{"ModelFloatInput", "ne: Float, eq: Float, le: Float, lt: Float, ge: Float, gt: Float, between: [Float], attributeExists: Boolean, attributeType: ModelAttributeTypes"},
		{"ModelBooleanInput", "ne: Boolean, eq: Boolean, attributeExists: Boolean, attributeType: ModelAttributeTypes"},
		{"ModelSizeInput", "ne: Int, eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int]"},
		{"ModelSubscriptionStringInput", "ne: String, eq: String, le: String, lt: String, ge: String, gt: String, contains: String, notContains: String, between: [String], beginsWith: String, in: [String], notIn: [String]"},
		{"ModelSubscriptionIDInput", "ne: ID, eq: ID, le: ID, lt: ID, ge: ID, gt: ID, contains: ID, notContains: ID, between: [ID], beginsWith: ID, in: [ID], notIn: [ID]"},
		{"ModelSubscriptionIntInput", "ne: Int, eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int], in: [Int], notIn: [Int]"},
		{"ModelSubscriptionBooleanInput", "ne: Boolean, eq: Boolean"},
		{"ModelIntKeyConditionInput", "eq: Int, le: Int, lt: Int, ge: Int, gt: Int, between: [Int]"},
		{"ModelEventStatusInput", "eq: EventStatus, ne: EventStatus"},
		{"ModelEventStatusListInput", "eq: [EventStatus], ne: [EventStatus], contains: EventStatus, notContains: EventStatus"},
		{"ModelShiftPrimaryCompositeKeyInput", "day: AWSDate, slot: Int"},
		{"ModelShiftPrimaryCompositeKeyConditionInput", "eq: ModelShiftPrimaryCompositeKeyInput, le: ModelShiftPrimaryCompositeKeyInput, lt: ModelShiftPrimaryCompositeKeyInput, ge: ModelShiftPrimaryCompositeKeyInput, gt: ModelShiftPrimaryCompositeKeyInput, between: [ModelShiftPrimaryCompositeKeyInput], beginsWith: ModelShiftPrimaryCompositeKeyInput"},
		// Relationships.
		{"artist", "artist_id: Int!, name: String, albums: ModelAlbumConnection"},
		{"Employee", "EmployeeId: Int!, LastName: String!, ReportsTo: Int, BirthDate: AWSDateTime, Email: AWSEmail, ReportsTo_Employee: Employee, Employees: ModelEmployeeConnection"},
		{"ModelAlbumConnection", "items: [album]!, nextToken: String, totalCount: Int!, aggregate: ModelAlbumAggregate!"},
		// sortBy: a field of the sort enum and a direction.
		{"ModelEventSortInput", "field: ModelEventSortField!, direction: ModelSortDirection"},
	}
	for _, tt := range tests {
		if got := fields(tt.typ); got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.typ, got, tt.want)
		}
	}
	// Scalars only: no enum (status), list (past_statuses, tags) or AWSJSON.
	if got := enumValues(s.AST.Types["ModelEventSortField"]); got != "id name created_at venue_id" {
		t.Errorf("ModelEventSortField = %s", got)
	}
	if got := enumValues(s.AST.Types["ModelNoteSortField"]); strings.Contains(got, "doc") {
		t.Errorf("ModelNoteSortField lists the AWSJSON field doc: %s", got)
	}
	// Enum values are as in ModelAttributeTypes and ModelSortDirection.
	if got := enumValues(s.AST.Types["ModelAttributeTypes"]); got != "binary binarySet bool list map number numberSet string stringSet _null" {
		t.Errorf("ModelAttributeTypes = %s", got)
	}
	if got := enumValues(s.AST.Types["ModelSortDirection"]); got != "ASC DESC" {
		t.Errorf("ModelSortDirection = %s", got)
	}
	// hasMany takes the connection arguments.
	f := s.AST.Types["artist"].Fields.ForName("albums")
	var args []string
	for _, a := range f.Arguments {
		args = append(args, a.Name+": "+a.Type.String())
	}
	if got := strings.Join(args, ", "); got != "filter: ModelAlbumFilterInput, sortDirection: ModelSortDirection, limit: Int, nextToken: String, sortBy: [ModelAlbumSortInput!]" {
		t.Errorf("artist.albums args = %s", got)
	}
}

func enumValues(d *ast.Definition) string {
	var vs []string
	for _, v := range d.EnumValues {
		vs = append(vs, v.Name)
	}
	return strings.Join(vs, " ")
}

// TestIndex checks that every root field, object type and relationship
// field of the schema leads back to the IR, and nothing else is indexed.
func TestIndex(t *testing.T) {
	ir := chinook()
	s := mustBuild(t, ir)

	roots := []struct {
		op    ast.Operation
		def   *ast.Definition
		index map[string]Root
	}{
		{ast.Query, s.AST.Query, s.Query},
		{ast.Mutation, s.AST.Mutation, s.Mutation},
		{ast.Subscription, s.AST.Subscription, s.Subscription},
	}
	for _, r := range roots {
		n := 0
		for _, f := range r.def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			n++
			root, ok := s.Root(r.op, f.Name)
			if !ok {
				t.Errorf("%s field %s is not indexed", r.op, f.Name)
				continue
			}
			if (root.Model == nil) == (root.Operation == nil) {
				t.Errorf("%s field %s: want exactly one of Model and Operation: %+v", r.op, f.Name, root)
			}
			if root.Model != nil {
				if ir.Model(root.Model.Name) != root.Model {
					t.Errorf("%s field %s: model is not the IR's", r.op, f.Name)
				}
				if want := modelNamesFor(root.Model).root[root.Kind]; want != f.Name {
					t.Errorf("%s field %s indexed as %s of %s, whose name is %s", r.op, f.Name, root.Kind, root.Model.Name, want)
				}
			}
		}
		if n != len(r.index) {
			t.Errorf("%s: %d fields, %d indexed", r.op, n, len(r.index))
		}
	}

	want := map[string]Root{
		"listShifts":         {Kind: List, Model: ir.Model("shift"), SortKeyArg: "daySlot"},
		"listPlaylistTracks": {Kind: List, Model: ir.Model("PlaylistTrack"), SortKeyArg: "TrackId"},
		"listEvents":         {Kind: List, Model: ir.Model("event")},
		"getEvent":           {Kind: Get, Model: ir.Model("event")},
		"eventStats":         {Kind: CustomQuery, Operation: ir.Queries[0]},
		"eventsByName":       {Kind: CustomQuery, Operation: ir.Queries[1]},
	}
	for name, w := range want {
		if got := s.Query[name]; got != w {
			t.Errorf("Query.%s = %+v, want %+v", name, got, w)
		}
	}
	if got := s.Mutation["renameEvent"]; got.Kind != CustomMutation || got.Operation != ir.Mutations[0] {
		t.Errorf("Mutation.renameEvent = %+v", got)
	}
	if got := s.Mutation["deleteEvent"]; got.Kind != Delete || got.Model != ir.Model("event") {
		t.Errorf("Mutation.deleteEvent = %+v", got)
	}
	if got := s.Subscription["onUpdateEvent"]; got.Kind != OnUpdate || got.Model != ir.Model("event") {
		t.Errorf("Subscription.onUpdateEvent = %+v", got)
	}
	// Disabled operations are neither in the schema nor in the index.
	for _, name := range []string{"updatePlaylistTrack"} {
		if _, ok := s.Mutation[name]; ok || s.AST.Mutation.Fields.ForName(name) != nil {
			t.Errorf("disabled %s is served", name)
		}
	}
	for _, name := range []string{"onUpdatePlaylistTrack", "onDeleteNote"} {
		if _, ok := s.Subscription[name]; ok || s.AST.Subscription.Fields.ForName(name) != nil {
			t.Errorf("disabled %s is served", name)
		}
	}

	// Every object type but the roots and introspection's is indexed.
	n := 0
	for name, d := range s.AST.Types {
		if d.Kind != ast.Object || d.BuiltIn || name == "Query" || name == "Mutation" || name == "Subscription" {
			continue
		}
		n++
		o, ok := s.Objects[name]
		switch {
		case !ok:
			t.Errorf("object type %s is not indexed", name)
		case o.Custom != nil:
			if ir.Type(name) != o.Custom {
				t.Errorf("object type %s indexed as custom type %s", name, o.Custom.Name)
			}
		case o.Aggregate:
			if want := AggregateNamesFor(o.Model).Result; !strings.HasPrefix(name, want) {
				t.Errorf("object type %s indexed as an aggregate type of %s (%s)", name, o.Model.Name, want)
			}
		case o.Connection:
			if want := modelNamesFor(o.Model).connection; want != name {
				t.Errorf("object type %s indexed as the connection of %s (%s)", name, o.Model.Name, want)
			}
		case o.Model == nil || o.Model.Name != name || ir.Model(name) != o.Model:
			t.Errorf("object type %s indexed as %+v", name, o)
		}
	}
	if n != len(s.Objects) {
		t.Errorf("%d object types, %d indexed", n, len(s.Objects))
	}

	// Every relationship field maps to its IR relationship.
	n = 0
	for _, m := range ir.Models {
		for _, r := range m.Relationships {
			n++
			if got := s.Relationships[FieldRef{m.Name, r.Name}]; got != r {
				t.Errorf("%s.%s indexed as %+v", m.Name, r.Name, got)
			}
			if s.AST.Types[m.Name].Fields.ForName(r.Name) == nil {
				t.Errorf("%s.%s is not in the schema", m.Name, r.Name)
			}
		}
	}
	if n != len(s.Relationships) {
		t.Errorf("%d relationships, %d indexed", n, len(s.Relationships))
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(ir *schema.Schema)
		want   []string // substrings of the error
	}{
		{
			name: "two models give the same root field",
			change: func(ir *schema.Schema) {
				ir.Models = append(ir.Models, &schema.Model{Name: "Event", PrimaryKey: []string{"id"},
					Fields: []*schema.Field{{Name: "id", Type: schema.Int, Required: true}}})
			},
			want: []string{"Query.getEvent would be defined twice", "get query of model event", "get query of model Event"},
		},
		{
			name: "a plural that is already plural",
			change: func(ir *schema.Schema) {
				ir.Models = append(ir.Models, &schema.Model{Name: "events", PrimaryKey: []string{"id"},
					Fields: []*schema.Field{{Name: "id", Type: schema.Int, Required: true}}})
			},
			want: []string{"Query.listEvents", "list query of model event", "list query of model events"},
		},
		{
			name: "custom query named like a generated one",
			change: func(ir *schema.Schema) {
				ir.Queries = append(ir.Queries, &schema.Operation{Name: "getEvent", Returns: schema.TypeRef{Name: schema.String}})
			},
			want: []string{"Query.getEvent", "get query of model event", "custom query getEvent"},
		},
		{
			name: "custom query named like an aggregate query",
			change: func(ir *schema.Schema) {
				ir.Queries = append(ir.Queries, &schema.Operation{Name: "aggregateEvent", Returns: schema.TypeRef{Name: schema.String}})
			},
			want: []string{"Query.aggregateEvent would be defined twice", "aggregate query of model event", "custom query aggregateEvent"},
		},
		{
			name: "custom type named like an aggregate type",
			change: func(ir *schema.Schema) {
				ir.Types = append(ir.Types, &schema.CustomType{Name: "ModelEventAggregate",
					Fields: []*schema.TypeField{{Name: "n", Type: schema.TypeRef{Name: schema.Int}}}})
			},
			want: []string{"two types are named ModelEventAggregate", "model event (aggregate)", "custom type ModelEventAggregate"},
		},
		{
			name: "custom mutation named like a generated one",
			change: func(ir *schema.Schema) {
				ir.Mutations = append(ir.Mutations, &schema.Operation{Name: "createAlbum", Returns: schema.TypeRef{Name: schema.String}})
			},
			want: []string{"Mutation.createAlbum", "create mutation of model album", "custom mutation createAlbum"},
		},
		{
			name: "custom type named like a generated input",
			change: func(ir *schema.Schema) {
				ir.Types = append(ir.Types, &schema.CustomType{Name: "ModelEventConnection",
					Fields: []*schema.TypeField{{Name: "n", Type: schema.TypeRef{Name: schema.Int}}}})
			},
			want: []string{"two types are named ModelEventConnection", "model event (connection)", "custom type ModelEventConnection"},
		},
		{
			name: "model named like a root type",
			change: func(ir *schema.Schema) {
				ir.Models = append(ir.Models, &schema.Model{Name: "Subscription", PrimaryKey: []string{"id"},
					Fields: []*schema.Field{{Name: "id", Type: schema.Int, Required: true}}})
			},
			want: []string{"two types are named Subscription", "the Subscription root type", "model Subscription"},
		},
		{
			name: "model named like a built-in scalar",
			change: func(ir *schema.Schema) {
				ir.Models = append(ir.Models, &schema.Model{Name: "AWSDate", PrimaryKey: []string{"id"},
					Fields: []*schema.Field{{Name: "id", Type: schema.Int, Required: true}}})
			},
			want: []string{"two types are named AWSDate", "model AWSDate", "the AppSync scalar AWSDate"},
		},
		{
			name: "enum named like a shared input's enum",
			change: func(ir *schema.Schema) {
				ir.Enums = append(ir.Enums, &schema.Enum{Name: "ModelSortDirection", Values: []string{"UP"}})
			},
			want: []string{"two types are named ModelSortDirection", "enum ModelSortDirection", "the shared enum ModelSortDirection"},
		},
		{
			name:   "field named like a filter combinator",
			change: func(ir *schema.Schema) { ir.Model("album").Fields[1].Name = "not" },
			want:   []string{"model album", `"not"`},
		},
		{
			name:   "relationship to a missing model",
			change: func(ir *schema.Schema) { ir.Model("album").Relationships[0].Target = "nobody" },
			want:   []string{"model album", "artist", "nobody"},
		},
		{
			name:   "key field missing",
			change: func(ir *schema.Schema) { ir.Model("album").PrimaryKey = []string{"album_key"} },
			want:   []string{"model album", "album_key"},
		},
		{
			name:   "unknown field type",
			change: func(ir *schema.Schema) { ir.Model("album").Fields[1].Type = "Blob" },
			want:   []string{"model album", "title", "Blob"},
		},
		{
			name: "custom operation returning an unknown type",
			change: func(ir *schema.Schema) {
				ir.Queries[0].Returns = schema.TypeRef{Name: "Nothing"}
			},
			want: []string{"does not validate", "Nothing"},
		},
		{
			name: "nothing to query",
			change: func(ir *schema.Schema) {
				for _, m := range ir.Models {
					m.Disabled = []string{"get", "list"}
				}
				ir.Queries = nil
			},
			want: []string{"nothing to query"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ir := chinook()
			tt.change(ir)
			_, err := Build(ir)
			if err == nil {
				t.Fatal("Build succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestDisabledList keeps a model's connection and filter when its own list
// is disabled but a hasMany still returns them, and leaves out the inputs
// of disabled mutations.
func TestDisabledList(t *testing.T) {
	ir := chinook()
	ir.Model("album").Disabled = []string{"list", "create", "update", "delete", "onCreate", "onUpdate", "onDelete"}
	s := mustBuild(t, ir)
	for _, name := range []string{"ModelAlbumConnection", "ModelAlbumFilterInput"} {
		if s.AST.Types[name] == nil {
			t.Errorf("%s is missing", name)
		}
	}
	for _, name := range []string{"CreateAlbumInput", "UpdateAlbumInput", "DeleteAlbumInput", "ModelAlbumConditionInput", "ModelSubscriptionAlbumFilterInput"} {
		if s.AST.Types[name] != nil {
			t.Errorf("%s is generated though nothing uses it", name)
		}
	}
	if _, ok := s.Query["listAlbums"]; ok {
		t.Error("listAlbums is served")
	}
}

// TestFromCatalog builds the API for an IR made from a catalog, the way
// the server gets one from a live database.
func TestFromCatalog(t *testing.T) {
	cat := &introspect.Catalog{
		Engine: introspect.EnginePostgres, Database: "shop", Schemas: []string{"public"},
		Tables: []introspect.Table{
			{Schema: "public", Name: "order", Kind: introspect.KindTable, PrimaryKey: []string{"id"},
				Columns: []introspect.Column{
					{Name: "id", DataType: "int4", AutoIncrement: true},
					{Name: "status", DataType: "order_status", EnumType: "order_status", EnumValues: []string{"new", "paid"}},
					{Name: "tags", DataType: "text", ArrayDims: 1, Nullable: true},
				}},
			{Schema: "public", Name: "order_line", Kind: introspect.KindTable, PrimaryKey: []string{"order_id", "line_no"},
				Columns: []introspect.Column{
					{Name: "order_id", DataType: "int4"},
					{Name: "line_no", DataType: "int2"},
					{Name: "qty", DataType: "int4", Nullable: true},
				},
				ForeignKeys: []introspect.ForeignKey{{Name: "order_line_order_fk", Columns: []string{"order_id"}, RefTable: "order", RefColumns: []string{"id"}}}},
		},
	}
	ir, err := schema.FromCatalog(cat, schema.Database{Identifier: "IDshop"})
	if err != nil {
		t.Fatal(err)
	}
	s := mustBuild(t, ir)
	for _, name := range []string{"getOrder", "listOrders", "getOrder_line", "listOrder_lines"} {
		if _, ok := s.Query[name]; !ok {
			t.Errorf("Query.%s is missing", name)
		}
	}
	if s.Query["listOrder_lines"].SortKeyArg != "line_no" {
		t.Errorf("listOrder_lines sort key argument = %q", s.Query["listOrder_lines"].SortKeyArg)
	}
	if s.AST.Types["ModelOrder_lineFilterInput"] == nil {
		t.Error("ModelOrder_lineFilterInput is missing")
	}
}
