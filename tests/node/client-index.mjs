// The real aws-amplify client calling a secondary index's query method
// (client.models.Event.listEventsByVenue), which it builds from the key
// attribute of amplify_outputs.json's model_introspection, against a
// Quarry sandbox (internal/cli/index_client_test.go). argv[2] is the
// sandbox's amplify_outputs.json. Records what the client sent (fetch is
// wrapped) and prints one JSON line.
import { readFileSync } from "node:fs";
import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/data";

const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (init && typeof init.body === "string") sent.push(JSON.parse(init.body));
  return realFetch(input, init);
};

Amplify.configure(JSON.parse(readFileSync(process.argv[2], "utf8")));
const client = generateClient({ authMode: "apiKey" });
const Event = client.models.Event;
const out = { hasMethod: typeof Event.listEventsByVenue === "function" };

out.desc = await Event.listEventsByVenue({ venueId: 1 }, { sortDirection: "DESC" });
out.march = await Event.listEventsByVenue({ venueId: 1, date: { beginsWith: "2024-03" } });
const pages = [];
let nextToken = null;
do {
  const page = await Event.listEventsByVenue({ venueId: 1 }, { limit: 2, nextToken, sortDirection: "ASC" });
  if (page.errors) {
    out.pageErrors = page.errors;
    break;
  }
  pages.push(page.data.map((e) => e.id));
  nextToken = page.nextToken;
} while (nextToken && pages.length < 10);
out.pages = pages;
out.sent = sent.slice(0, 2);
console.log(JSON.stringify(out));
