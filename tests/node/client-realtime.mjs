// Drives the real aws-amplify v6 client's subscriptions against a Quarry
// sandbox (internal/cli/realtime_test.go): onCreate/onUpdate/onDelete with
// filters under an API key, an owner's own subscription, another user's
// (who may not see the owner's rows), and observeQuery. argv: the
// sandbox's amplify_outputs.json, alice's and bob's sandbox tokens. The
// sandbox's CA comes in through NODE_EXTRA_CA_CERTS: the client always
// uses wss:// for subscriptions. Prints one JSON line with what arrived.
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { Amplify } from "aws-amplify";
import { decodeJWT } from "@aws-amplify/core";
import { generateClient } from "aws-amplify/data";

globalThis.WebSocket = WebSocket; // Node 20 has none
const [outputsPath, aliceToken, bobToken] = process.argv.slice(2);
Amplify.configure(JSON.parse(readFileSync(outputsPath, "utf8")), {
  Auth: { tokenProvider: { getTokens: async () => ({ accessToken: decodeJWT(aliceToken) }) } },
});
const client = generateClient();
const Note = client.models.note;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = { keyCreate: [], keyUpdate: [], keyDelete: [], alice: [], bob: [], observed: [], custom: [], errors: [] };
const err = (where) => (e) => out.errors.push({ where, e: JSON.parse(JSON.stringify(e)) });

const filter = { title: { beginsWith: "rt" } };
const subs = [
  Note.onCreate({ filter, authMode: "apiKey" }).subscribe({ next: (n) => out.keyCreate.push(n), error: err("keyCreate") }),
  Note.onUpdate({ filter, authMode: "apiKey" }).subscribe({ next: (n) => out.keyUpdate.push(n), error: err("keyUpdate") }),
  Note.onDelete({ authMode: "apiKey" }).subscribe({ next: (n) => out.keyDelete.push(n), error: err("keyDelete") }),
  Note.onCreate({ authMode: "userPool" }).subscribe({ next: (n) => out.alice.push(n), error: err("alice") }),
  Note.onCreate({ authMode: "lambda", authToken: bobToken }).subscribe({ next: (n) => out.bob.push(n), error: err("bob") }),
  // A custom subscription (@aws_subscribe) through client.subscriptions.
  client.subscriptions.onNoteChange({ title: "rt-1" }, { authMode: "apiKey" }).subscribe({ next: (n) => out.custom.push(n), error: err("custom") }),
  Note.observeQuery({ filter, authMode: "apiKey" }).subscribe({
    next: ({ items, isSynced }) => out.observed.push({ isSynced, titles: items.map((i) => i.title).sort() }),
    error: err("observe"),
  }),
];
await sleep(1500); // every start_ack in

const a = await Note.create({ title: "rt-1", secret: "hidden" }, { authMode: "userPool" });
await Note.create({ title: "other" }, { authMode: "userPool" });
await Note.update({ id: a.data.id, title: "rt-1b" }, { authMode: "userPool" });
await sleep(800);
await Note.delete({ id: a.data.id }, { authMode: "userPool" });
await sleep(1500);
for (const s of subs) s.unsubscribe();
out.created = a;
console.log(JSON.stringify(out));
process.exit(0);
