package api

import "github.com/quarrydata/quarry/internal/schema"

// chinook is a Chinook-like IR that exercises every rule: lower-case
// model names (event, album, shift: the casing rule), a self relationship
// (Employee), a single sort key (PlaylistTrack), two sort keys (shift), an
// enum and a list of enums (event), an ID key and every AppSync scalar
// (note), disabled operations, defaults, computed and database-generated
// columns, and custom types and operations.
func chinook() *schema.Schema {
	def := func(s string) *string { return &s }
	ir := &schema.Schema{
		Database: schema.Database{Identifier: "IDtest", Engine: "postgresql"},
		Models: []*schema.Model{
			{
				Name: "artist", PrimaryKey: []string{"artist_id"},
				Fields: []*schema.Field{
					{Name: "artist_id", Type: schema.Int, Required: true, DBGenerated: true},
					{Name: "name", Type: schema.String},
				},
				Relationships: []*schema.Relationship{
					{Name: "albums", Kind: schema.HasMany, Target: "album", References: []string{"artist_id"}},
				},
			},
			{
				Name: "album", PrimaryKey: []string{"album_id"},
				Fields: []*schema.Field{
					{Name: "album_id", Type: schema.Int, Required: true, DBGenerated: true},
					{Name: "title", Type: schema.String, Required: true},
					{Name: "artist_id", Type: schema.Int, Required: true},
				},
				Relationships: []*schema.Relationship{
					{Name: "artist", Kind: schema.BelongsTo, Target: "artist", References: []string{"artist_id"}},
				},
			},
			{
				Name: "Employee", PrimaryKey: []string{"EmployeeId"}, Comment: "Staff; each reports to another employee.",
				Fields: []*schema.Field{
					{Name: "EmployeeId", Type: schema.Int, Required: true},
					{Name: "LastName", Type: schema.String, Required: true},
					{Name: "ReportsTo", Type: schema.Int},
					{Name: "BirthDate", Type: schema.AWSDateTime},
					{Name: "Email", Type: schema.AWSEmail},
				},
				Relationships: []*schema.Relationship{
					{Name: "ReportsTo_Employee", Kind: schema.BelongsTo, Target: "Employee", References: []string{"ReportsTo"}},
					{Name: "Employees", Kind: schema.HasMany, Target: "Employee", References: []string{"ReportsTo"}},
				},
			},
			{
				Name: "PlaylistTrack", PrimaryKey: []string{"PlaylistId", "TrackId"},
				Disabled: []string{"update", "onUpdate"},
				Fields: []*schema.Field{
					{Name: "PlaylistId", Type: schema.Int, Required: true},
					{Name: "TrackId", Type: schema.Int, Required: true},
				},
			},
			{
				Name: "shift", PrimaryKey: []string{"store_id", "day", "slot"},
				Fields: []*schema.Field{
					{Name: "store_id", Type: schema.Int, Required: true},
					{Name: "day", Type: schema.AWSDate, Required: true},
					{Name: "slot", Type: schema.Int, Required: true},
					{Name: "note", Type: schema.String},
					{Name: "hours", Type: schema.Float, ReadOnly: true, DBGenerated: true},
					{Name: "created_at", Type: schema.AWSDateTime, Required: true, Default: def("now()")},
				},
			},
			{
				Name: "event", PrimaryKey: []string{"id"}, Comment: `Things that happen; "events" in the UI.`,
				Fields: []*schema.Field{
					{Name: "id", Type: schema.Int, Required: true},
					{Name: "name", Type: schema.String, Comment: "shown\tas the title"},
					{Name: "created_at", Type: schema.AWSDateTime},
					{Name: "status", Type: "EventStatus", IsEnum: true, Required: true},
					{Name: "past_statuses", Type: "EventStatus", IsEnum: true, IsList: true},
					{Name: "tags", Type: schema.String, IsList: true, Required: true},
					{Name: "venue_id", Type: schema.Int},
				},
			},
			{
				Name: "note", PrimaryKey: []string{"id"}, Disabled: []string{"onDelete"},
				Fields: []*schema.Field{
					{Name: "id", Type: schema.ID, Required: true},
					{Name: "body", Type: schema.String, Required: true},
					{Name: "published", Type: schema.Boolean, Required: true, Default: def("false")},
					{Name: "at", Type: schema.AWSTime},
					{Name: "ts", Type: schema.AWSTimestamp},
					{Name: "site", Type: schema.AWSURL},
					{Name: "phone", Type: schema.AWSPhone},
					{Name: "ip", Type: schema.AWSIPAddress},
					{Name: "doc", Type: schema.AWSJSON},
				},
			},
		},
		Enums: []*schema.Enum{{Name: "EventStatus", Values: []string{"open", "closed"}}},
		Types: []*schema.CustomType{{Name: "EventStats", Fields: []*schema.TypeField{
			{Name: "total", Type: schema.TypeRef{Name: schema.Int}},
			{Name: "latest", Type: schema.TypeRef{Name: schema.AWSDateTime}},
		}}},
		Queries: []*schema.Operation{
			{
				Name:    "eventStats",
				Args:    []*schema.TypeField{{Name: "since", Type: schema.TypeRef{Name: schema.AWSDateTime}}},
				Returns: schema.TypeRef{Name: "EventStats"},
				SQL:     "SELECT count(*) AS total, max(created_at) AS latest FROM events WHERE created_at > :since",
			},
			{
				Name:    "eventsByName",
				Args:    []*schema.TypeField{{Name: "name", Type: schema.TypeRef{Name: schema.String, Required: true}}},
				Returns: schema.TypeRef{Name: "event", List: true},
				SQL:     "SELECT * FROM events WHERE name = :name",
			},
		},
		Mutations: []*schema.Operation{{
			Name: "renameEvent",
			Args: []*schema.TypeField{
				{Name: "id", Type: schema.TypeRef{Name: schema.Int, Required: true}},
				{Name: "name", Type: schema.TypeRef{Name: schema.String, Required: true}},
			},
			Returns: schema.TypeRef{Name: schema.AWSJSON},
			SQLFile: "./sql/renameEvent.sql",
		}},
	}
	return ir
}
