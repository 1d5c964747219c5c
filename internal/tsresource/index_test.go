package tsresource

import (
	"context"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/sdl"
)

// transform() drops .secondaryIndexes() from SQL models; the loader puts
// them back as @index, with data-schema's default query field.
func TestSecondaryIndexesOfSQLModels(t *testing.T) {
	resource := `import { defineData } from '@aws-amplify/backend';
import { schema as sql } from './schema.sql';

const schema = sql
  .authorization(allow => allow.publicApiKey())
  .renameModels(() => [['event', 'Event']])
  .setRelationships((models) => [
    models.Event.secondaryIndexes((index) => [
      index('venue_id').sortKeys(['name']).queryField('listEventsByVenue'),
      index('name').name('byName'),
      index('owner').queryField(null),
    ]),
  ]);

export const data = defineData({ schema });
`
	dir, dataDir := project(t, resource)
	files, err := Files(context.Background(), dir, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, f := range files {
		text += f.Text
	}
	for _, want := range []string{
		`venue_id: Int @index(sortKeyFields: ["name"], queryField: "listEventsByVenue")`,
		`name: String! @index(name: "byName", queryField: "listEventByName")`,
		`owner: String @index(queryField: null)`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("SDL lacks %s:\n%s", want, text)
		}
	}
	s, err := sdl.FromFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	ev := s.Model("Event")
	if ev == nil || len(ev.Indexes) != 3 {
		t.Fatalf("Event: %+v", ev)
	}
	// The reference's default name: the model's plural and the key fields.
	if x := ev.Index("listEventsByVenue"); x == nil || x.Name != "eventsByVenue_idAndName" || x.Field != "venue_id" {
		t.Errorf("listEventsByVenue: %+v", x)
	}
}
