// Drives the real aws-amplify v6 data client against a running Quarry:
// Amplify.configure() with the amplify_outputs.json the sandbox wrote
// (argv[2]), then client.models.<event, venue> list / get / create /
// update / delete, a filtered list with pages, and a failing conditional
// update through client.graphql. Prints one JSON line with what each call returned; the Go test
// (internal/cli/client_test.go) checks it.
import { readFileSync } from "node:fs";
import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/data";

Amplify.configure(JSON.parse(readFileSync(process.argv[2], "utf8")));
const client = generateClient();
const out = {};

const Event = client.models.event;
const Venue = client.models.venue;

out.list = await Event.list();
out.get = await Venue.get({ id: 1 });
out.create = await Event.create({ venue_id: 2, name: "Client night", starts_at: "2027-05-01T19:30:00.000Z", is_sold_out: false });
const id = out.create.data && out.create.data.id;
out.update = await Event.update({ id, name: "Client night (moved)" });
// client.models.*.update takes no condition (data-schema 1.26.2 has none),
// so a conditional update goes through client.graphql, which rejects on errors.
try {
  out.conditional = await client.graphql({
    query: `mutation ($input: UpdateEventInput!, $condition: ModelEventConditionInput) {
      updateEvent(input: $input, condition: $condition) { id name } }`,
    variables: { input: { id, name: "never" }, condition: { name: { eq: "someone else" } } },
  });
} catch (e) {
  out.conditional = { data: e.data ?? null, errors: e.errors };
}
out.filtered = await Event.list({ filter: { name: { beginsWith: "Client" } } });
const pages = [];
let nextToken = null;
do {
  const page = await Event.list({ limit: 1, nextToken });
  pages.push(page.data.map((e) => e.id));
  nextToken = page.nextToken;
} while (nextToken);
out.pages = pages;
out.lazyVenue = out.get.data ? (await out.get.data.events()).data.map((e) => e.name) : null;
out.delete = await Event.delete({ id });
out.afterDelete = await Event.get({ id });
console.log(JSON.stringify(out));
