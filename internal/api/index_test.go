package api

import (
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/schema"
)

// indexIR is one model with an index of each shape: one sort key, two
// (a composite condition named after the index), none, and one without
// a query field.
func indexIR() *schema.Schema {
	return &schema.Schema{
		Database: schema.Database{Identifier: "IDtest", Engine: "postgresql"},
		Models: []*schema.Model{{
			Name: "Event", PrimaryKey: []string{"id"},
			Fields: []*schema.Field{
				{Name: "id", Type: schema.ID, Required: true},
				{Name: "venueId", Type: schema.ID, Required: true},
				{Name: "date", Type: schema.AWSDate},
				{Name: "name", Type: schema.String, Required: true},
				{Name: "seats", Type: schema.Int},
			},
			Indexes: []*schema.Index{
				{Name: "byVenue", Field: "venueId", SortKeys: []string{"date"}, QueryField: "listEventsByVenue"},
				{Name: "byVenueDateName", Field: "venueId", SortKeys: []string{"date", "name"}, QueryField: "eventsByVenueDateName"},
				{Name: "eventsByName", Field: "name", QueryField: "eventsByName"},
				{Name: "bySeats", Field: "seats", SortKeys: []string{"name"}},
			},
		}},
	}
}

// TestIndexQueries: each index with a query field gets one, with AppSync's
// arguments in AppSync's order; the SDL is a golden file.
func TestIndexQueries(t *testing.T) {
	s, err := Build(indexIR())
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/index.graphql", s.SDL)
	for field, want := range map[string]string{"listEventsByVenue": "date", "eventsByVenueDateName": "dateName", "eventsByName": ""} {
		r, ok := s.Query[field]
		if !ok || r.Kind != List || r.Index == nil || r.Index.QueryField != field || r.SortKeyArg != want {
			t.Errorf("%s: %+v", field, r)
		}
	}
	if strings.Contains(s.SDL, "bySeats") {
		t.Errorf("an index without a query field is served")
	}
}

// TestIndexQueryClash: a query field may not take a generated name.
func TestIndexQueryClash(t *testing.T) {
	ir := indexIR()
	ir.Models[0].Indexes[0].QueryField = "listEvents"
	if _, err := Build(ir); err == nil || !strings.Contains(err.Error(), "Query.listEvents would be defined twice") {
		t.Errorf("err = %v", err)
	}
}
