package codegen

import (
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/schema"
)

// indexSchema is one model with an index with a query field and one
// without.
func indexSchema() *schema.Schema {
	return &schema.Schema{
		Database: schema.Database{Identifier: "IDx", Engine: "postgresql", ConnectionURISecret: "DB_URI"},
		Models: []*schema.Model{{
			Name: "Event", Table: schema.TableRef{Name: "event"}, PrimaryKey: []string{"id"},
			Fields: []*schema.Field{
				{Name: "id", Column: "id", Type: schema.Int, Required: true},
				{Name: "venueId", Column: "venueId", Type: schema.Int, Required: true},
				{Name: "date", Column: "date", Type: schema.String},
			},
			Indexes: []*schema.Index{
				{Name: "byVenue", Field: "venueId", SortKeys: []string{"date"}, QueryField: "listEventsByVenue"},
				{Name: "eventsByDate", Field: "date"},
			},
		}},
	}
}

// TestIndexIntrospection: each index is a key attribute after the primary
// key's, with name, queryField (when it has one) and its fields, which is
// what the client's getSecondaryIndexesFromSchemaModel reads.
func TestIndexIntrospection(t *testing.T) {
	v := decode(t, mustOutputs(t, indexSchema(), testOutputs()))
	for path, want := range map[string]string{
		"data/model_introspection/models/Event/attributes/1": `{"properties":{"fields":["id"]},"type":"key"}`,
		"data/model_introspection/models/Event/attributes/2": `{"properties":{"fields":["venueId","date"],"name":"byVenue","queryField":"listEventsByVenue"},"type":"key"}`,
		"data/model_introspection/models/Event/attributes/3": `{"properties":{"fields":["date"],"name":"eventsByDate"},"type":"key"}`,
	} {
		if got := jsonText(t, at(t, v, path)); got != want {
			t.Errorf("%s = %s\nwant %s", path, got, want)
		}
	}
}

// TestIndexSchemaTS: schema.sql.ts declares the indexes with
// .secondaryIndexes(), names in full.
func TestIndexSchemaTS(t *testing.T) {
	ts := SchemaTS(indexSchema())
	want := `}).identifier(["id"]).secondaryIndexes((index) => [
    index("venueId").sortKeys(["date"]).name("byVenue").queryField("listEventsByVenue"),
    index("date").name("eventsByDate").queryField(null)
  ])`
	if !strings.Contains(ts, want) {
		t.Errorf("schema.sql.ts:\n%s\nwant it to hold\n%s", ts, want)
	}
}
