// Prints the documents the aws-amplify client builds for the chinook
// fixture's models, as client_test.go's clientDocuments holds them. Run
// from the repository root after `npm ci` in tests/node:
//
//   node internal/api/testdata/client-documents.mjs
//
// It calls generateGraphQLDocument from the installed
// @aws-amplify/data-schema runtime: the function client.models.X.list(),
// .get(), .create() ... use to write their queries.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { generateGraphQLDocument } = await import(path.join(root,
  'tests/node/node_modules/@aws-amplify/data-schema/dist/esm/runtime/internals/APIClient.mjs'));

const f = (name, type, isRequired = false) => ({ name, type, isRequired, isArray: false, attributes: [] });
const model = (name, pluralName, fields, pk, sks) => ({
  name, pluralName, syncable: true,
  fields: Object.fromEntries(fields.map((x) => [x.name, x])),
  attributes: [{ type: 'model', properties: {} }, { type: 'key', properties: { fields: [pk, ...sks] } }],
  // amplify-codegen's rule (amplify-client-wire.md §2.3).
  primaryKeyInfo: { isCustomPrimaryKey: pk !== 'id' || sks.length > 0, primaryKeyFieldName: pk, sortKeyFieldNames: sks },
});
const mi = {
  version: 1, nonModels: {},
  enums: { EventStatus: { name: 'EventStatus', values: ['open', 'closed'] } },
  models: {
    event: model('event', 'events', [f('id', 'Int', true), f('name', 'String'), f('created_at', 'AWSDateTime'), f('status', { enum: 'EventStatus' })], 'id', []),
    album: model('album', 'albums', [f('album_id', 'Int', true), f('title', 'String', true)], 'album_id', []),
    PlaylistTrack: model('PlaylistTrack', 'PlaylistTracks', [f('PlaylistId', 'Int', true), f('TrackId', 'Int', true)], 'PlaylistId', ['TrackId']),
    shift: model('shift', 'shifts', [f('store_id', 'Int', true), f('day', 'AWSDate', true), f('slot', 'Int', true), f('note', 'String')], 'store_id', ['day', 'slot']),
  },
};
for (const [name, m] of Object.entries(mi.models)) {
  for (const op of ['LIST', 'GET', 'CREATE', 'UPDATE', 'DELETE', 'ONCREATE', 'ONUPDATE', 'ONDELETE']) {
    console.log(`${name} ${op}: ${generateGraphQLDocument(mi, m, op)}`);
  }
}
