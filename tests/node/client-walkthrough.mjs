// The reference's walkthrough, step 5, against a Quarry sandbox serving a
// resource.ts written as the reference documents it
// (internal/cli/walkthrough_test.go): the app's own code, unchanged, with
// guests (authMode "none": no AWS account), a signed-in user (argv[3], a
// sandbox token; argv[4] another, in the Admin group), the API key, and
// subscriptions over wss://. argv[2] is the sandbox's amplify_outputs.json.
// Prints one JSON line.
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { Amplify } from "aws-amplify";
import { decodeJWT } from "@aws-amplify/core";
import { generateClient } from "aws-amplify/data";

globalThis.WebSocket = WebSocket;
const [outputsPath, userToken, adminToken] = process.argv.slice(2);
Amplify.configure(JSON.parse(readFileSync(outputsPath, "utf8")), {
  Auth: { tokenProvider: { getTokens: async () => ({ accessToken: decodeJWT(userToken) }) } },
});
// Guests: the reference puts allow.guest() on every SQL model; without an
// identity pool, authMode "none" sends no credentials (and, for
// subscriptions, any authToken).
const guest = generateClient({ authMode: "none", authToken: "guest" });
const user = generateClient({ authMode: "userPool" });
const key = generateClient({ authMode: "apiKey" });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = { events: [] };

const sub = guest.models.Event.onCreate().subscribe({ next: (e) => out.events.push(e), error: (e) => (out.subError = e) });
out.observed = [];
const observer = guest.models.Event.observeQuery().subscribe({
  next: ({ items, isSynced }) => out.observed.push({ isSynced, names: items.map((i) => i.name).sort() }),
  error: (e) => (out.observeError = e),
});
await sleep(1200);
out.venues = await guest.models.Venue.list();
out.guestCreate = await guest.models.Event.create({ name: "guest party", venue_id: 1 });
out.userCreate = await user.models.Event.create({ name: "launch", venue_id: 1 });
out.byName = await guest.queries.listEventWithName({ name: "launch" });
out.renamed = await user.mutations.renameEvent({ id: out.userCreate.data.id, name: "launch (moved)" });
out.get = await guest.models.Event.get({ id: out.userCreate.data.id });
out.todoCreate = await user.models.Todo.create({ content: "write docs" });
out.todos = await guest.models.Todo.list();
out.keyList = await key.models.Event.list();
out.keyCreate = await key.models.Event.create({ name: "by key", venue_id: 1 });
const id = out.userCreate.data.id;
out.update = await user.models.Event.update({ id, name: "launch (updated)" });
out.adminUpdate = await user.models.Event.update({ id, name: "launch (by admin)" }, { authMode: "lambda", authToken: adminToken });
await sleep(500);
out.delete = await user.models.Event.delete({ id });
out.afterDelete = await guest.models.Event.get({ id });
await sleep(1000);
sub.unsubscribe();
observer.unsubscribe();
console.log(JSON.stringify(out));
process.exit(0);
