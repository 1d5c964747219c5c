package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// clientDocuments are the documents the real client sends, byte for byte
// as @aws-amplify/data-schema 1.26.2 builds them (generateGraphQLDocument
// in dist/esm/runtime/internals/APIClient.mjs, before print() reformats
// them), for model_introspection entries matching the chinook fixture:
// event (key "id", so isCustomPrimaryKey is false), album (key "album_id":
// true, without sort keys), PlaylistTrack (one sort key) and shift (two).
// testdata/client-documents.mjs prints them again from
// tests/node/node_modules. The first is the exact wire text recorded in
// amplify-client-wire.md §4, which uses the same names.
var clientDocuments = map[string]string{
	"wire list": "query ($filter: ModelEventFilterInput, $limit: Int, $nextToken: String) {\n  listEvents(filter: $filter, limit: $limit, nextToken: $nextToken) {\n    items {\n      id\n      name\n      created_at\n    }\n    nextToken\n    __typename\n  }\n}\n",

	"event list":     "query($filter: ModelEventFilterInput,$limit: Int,$nextToken: String) { listEvents(filter: $filter,limit: $limit,nextToken: $nextToken) { items { id name created_at status } nextToken __typename } }",
	"event get":      "query($id: Int!) { getEvent(id: $id) { id name created_at status } }",
	"event create":   "mutation($input: CreateEventInput!) { createEvent(input: $input) { id name created_at status } }",
	"event update":   "mutation($input: UpdateEventInput!) { updateEvent(input: $input) { id name created_at status } }",
	"event delete":   "mutation($input: DeleteEventInput!) { deleteEvent(input: $input) { id name created_at status } }",
	"event onCreate": "subscription($filter: ModelSubscriptionEventFilterInput) { onCreateEvent(filter: $filter) { id name created_at status } }",
	"event onUpdate": "subscription($filter: ModelSubscriptionEventFilterInput) { onUpdateEvent(filter: $filter) { id name created_at status } }",
	"event onDelete": "subscription($filter: ModelSubscriptionEventFilterInput) { onDeleteEvent(filter: $filter) { id name created_at status } }",

	"album list":     "query($album_id: Int,$sortDirection: ModelSortDirection,$filter: ModelAlbumFilterInput,$limit: Int,$nextToken: String) { listAlbums(album_id: $album_id,sortDirection: $sortDirection,filter: $filter,limit: $limit,nextToken: $nextToken) { items { album_id title } nextToken __typename } }",
	"album get":      "query($album_id: Int!) { getAlbum(album_id: $album_id) { album_id title } }",
	"album create":   "mutation($input: CreateAlbumInput!) { createAlbum(input: $input) { album_id title } }",
	"album update":   "mutation($input: UpdateAlbumInput!) { updateAlbum(input: $input) { album_id title } }",
	"album delete":   "mutation($input: DeleteAlbumInput!) { deleteAlbum(input: $input) { album_id title } }",
	"album onCreate": "subscription($filter: ModelSubscriptionAlbumFilterInput) { onCreateAlbum(filter: $filter) { album_id title } }",

	"PlaylistTrack list":     "query($PlaylistId: Int,$sortDirection: ModelSortDirection,$TrackId: ModelIntKeyConditionInput,$filter: ModelPlaylistTrackFilterInput,$limit: Int,$nextToken: String) { listPlaylistTracks(PlaylistId: $PlaylistId,sortDirection: $sortDirection,TrackId: $TrackId,filter: $filter,limit: $limit,nextToken: $nextToken) { items { PlaylistId TrackId } nextToken __typename } }",
	"PlaylistTrack get":      "query($PlaylistId: Int!,$TrackId: Int!) { getPlaylistTrack(PlaylistId: $PlaylistId,TrackId: $TrackId) { PlaylistId TrackId } }",
	"PlaylistTrack create":   "mutation($input: CreatePlaylistTrackInput!) { createPlaylistTrack(input: $input) { PlaylistId TrackId } }",
	"PlaylistTrack delete":   "mutation($input: DeletePlaylistTrackInput!) { deletePlaylistTrack(input: $input) { PlaylistId TrackId } }",
	"PlaylistTrack onCreate": "subscription($filter: ModelSubscriptionPlaylistTrackFilterInput) { onCreatePlaylistTrack(filter: $filter) { PlaylistId TrackId } }",

	"shift list":     "query($store_id: Int,$sortDirection: ModelSortDirection,$daySlot: ModelShiftPrimaryCompositeKeyConditionInput,$filter: ModelShiftFilterInput,$limit: Int,$nextToken: String) { listShifts(store_id: $store_id,sortDirection: $sortDirection,daySlot: $daySlot,filter: $filter,limit: $limit,nextToken: $nextToken) { items { store_id day slot note } nextToken __typename } }",
	"shift get":      "query($store_id: Int!,$day: AWSDate!,$slot: Int!) { getShift(store_id: $store_id,day: $day,slot: $slot) { store_id day slot note } }",
	"shift create":   "mutation($input: CreateShiftInput!) { createShift(input: $input) { store_id day slot note } }",
	"shift update":   "mutation($input: UpdateShiftInput!) { updateShift(input: $input) { store_id day slot note } }",
	"shift delete":   "mutation($input: DeleteShiftInput!) { deleteShift(input: $input) { store_id day slot note } }",
	"shift onDelete": "subscription($filter: ModelSubscriptionShiftFilterInput) { onDeleteShift(filter: $filter) { store_id day slot note } }",

	// Custom operations (amplify-client-wire.md §4) and selection sets
	// that follow relationships (§4.1).
	"custom scalar":   "mutation ($id: Int!, $name: String!) { renameEvent(id: $id, name: $name) }",
	"custom nonModel": "query ($since: AWSDateTime) { eventStats(since: $since) { total latest } }",
	"custom [model]":  "query ($name: String!) { eventsByName(name: $name) { id name created_at } }",
	"nested hasMany":  "query ($filter: ModelArtistFilterInput, $limit: Int, $nextToken: String) { listArtists(filter: $filter, limit: $limit, nextToken: $nextToken) { items { artist_id name albums { items { album_id title artist_id } } } nextToken __typename } }",
	"self relation":   "query ($EmployeeId: Int!) { getEmployee(EmployeeId: $EmployeeId) { EmployeeId ReportsTo_Employee { LastName } Employees(limit: 5) { items { EmployeeId } nextToken } } }",
}

func validate(t *testing.T, s *Schema, doc string) (*ast.QueryDocument, error) {
	t.Helper()
	q, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return nil, err
	}
	// nil selects the spec's rules, as the server will use them.
	if errs := validator.ValidateWithRules(s.AST, q, nil); len(errs) > 0 {
		return q, errs
	}
	return q, nil
}

func TestClientDocumentsValidate(t *testing.T) {
	s := mustBuild(t, chinook())
	for name, doc := range clientDocuments {
		t.Run(name, func(t *testing.T) {
			if _, err := validate(t, s, doc); err != nil {
				t.Errorf("%v\n%s", err, doc)
			}
		})
	}
}

// TestClientVariables checks that variables the client sends coerce to the
// declared types: filters with nested and/or, list operators in
// subscription filters, key conditions and mutation inputs.
func TestClientVariables(t *testing.T) {
	s := mustBuild(t, chinook())
	tests := []struct {
		doc, vars string
	}{
		// Observed in amplify-client-wire.md §4.2.
		{"event list", `{"filter":{"name":{"eq":"x"},"and":[{"id":{"gt":1}}]},"nextToken":"abc","limit":10}`},
		{"event list", `{"filter":{"status":{"eq":"open"},"past_statuses":{"contains":"closed"},"created_at":{"between":["2024-01-01T00:00:00Z","2025-01-01T00:00:00Z"]},"not":{"name":{"size":{"gt":3}}}}}`},
		{"event onCreate", `{"filter":{"status":{"in":["open","closed"]},"or":[{"id":{"notIn":[1,2]}},{"name":{"beginsWith":"a"}}]}}`},
		{"event create", `{"input":{"id":1,"status":"open","tags":["a","b"]}}`},
		{"album create", `{"input":{"title":"t","artist_id":1}}`},
		{"album update", `{"input":{"album_id":1,"title":"u"}}`},
		{"album delete", `{"input":{"album_id":1}}`},
		{"album list", `{"album_id":1,"sortDirection":"DESC"}`},
		{"PlaylistTrack list", `{"PlaylistId":1,"TrackId":{"between":[1,9]}}`},
		{"shift list", `{"store_id":1,"daySlot":{"beginsWith":{"day":"2024-01-01"}}}`},
		{"shift create", `{"input":{"store_id":1,"day":"2024-01-01","slot":2}}`},
	}
	for _, tt := range tests {
		q, err := validate(t, s, clientDocuments[tt.doc])
		if err != nil {
			t.Fatalf("%s: %v", tt.doc, err)
		}
		var vars map[string]any
		if err := json.Unmarshal([]byte(tt.vars), &vars); err != nil {
			t.Fatal(err)
		}
		if _, err := validator.VariableValues(s.AST, q.Operations[0], vars); err != nil {
			t.Errorf("%s %s: %v", tt.doc, tt.vars, err)
		}
	}
}

// TestInvalidDocuments checks that what the schema does not offer fails
// validation, with the error naming it.
func TestInvalidDocuments(t *testing.T) {
	s := mustBuild(t, chinook())
	tests := []struct {
		name, doc, want string
	}{
		{"undeclared operator", `{ listEvents(filter: {name: {regex: "a.*"}}) { items { id } } }`, `Field "regex" is not defined by type "ModelStringInput"`},
		{"operator of another type", `{ listEvents(filter: {id: {beginsWith: 1}}) { items { id } } }`, `Field "beginsWith" is not defined by type "ModelIntInput"`},
		{"in outside subscriptions", `{ listEvents(filter: {id: {in: [1]}}) { items { id } } }`, `Field "in" is not defined by type "ModelIntInput"`},
		{"not in a subscription filter", `subscription { onCreateEvent(filter: {not: {id: {eq: 1}}}) { id } }`, `Field "not" is not defined by type "ModelSubscriptionEventFilterInput"`},
		{"condition on the key", `mutation { updateEvent(input: {id: 1}, condition: {id: {eq: 1}}) { id } }`, `Field "id" is not defined by type "ModelEventConditionInput"`},
		{"verbatim lower-case filter name", `query ($filter: ModeleventFilterInput) { listEvents(filter: $filter) { items { id } } }`, `Unknown type "ModeleventFilterInput"`},
		{"disabled mutation", `mutation ($input: UpdatePlaylistTrackInput!) { updatePlaylistTrack(input: $input) { PlaylistId } }`, `Cannot query field "updatePlaylistTrack"`},
		{"computed column in create", `mutation { createShift(input: {store_id: 1, day: "2024-01-01", slot: 1, hours: 2.5}) { store_id } }`, `Field "hours" is not defined by type "CreateShiftInput"`},
		{"missing required create field", `mutation { createAlbum(input: {artist_id: 1}) { album_id } }`, `"CreateAlbumInput.title" of required type "String!" was not provided`},
		{"relationship in a filter", `{ listArtists(filter: {albums: {eq: 1}}) { items { artist_id } } }`, `Field "albums" is not defined by type "ModelArtistFilterInput"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := validate(t, s, tt.doc)
			if err == nil {
				t.Fatalf("validated: %s", tt.doc)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %s", err, tt.want)
			}
		})
	}
}

// TestIntrospection validates the query GraphiQL and codegen send.
func TestIntrospection(t *testing.T) {
	s := mustBuild(t, chinook())
	const query = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`
	if _, err := validate(t, s, query); err != nil {
		t.Fatal(err)
	}
	if _, err := validate(t, s, `{ __type(name: "ModelEventFilterInput") { inputFields { name } } }`); err != nil {
		t.Fatal(err)
	}
}
