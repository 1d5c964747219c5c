// The real aws-amplify v6 client against a sandbox run with --changes
// database (internal/cli/changes_test.go): a row INSERTed with plain SQL
// reaches client.models.note.onCreate() and observeQuery(). argv: the
// sandbox's amplify_outputs.json. Prints "ready" once subscribed; the test
// then inserts the row "from-psql"; prints one JSON line with what
// arrived. The sandbox's CA comes in through NODE_EXTRA_CA_CERTS.
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/data";

globalThis.WebSocket = WebSocket; // Node 20 has none
const [outputsPath] = process.argv.slice(2);
Amplify.configure(JSON.parse(readFileSync(outputsPath, "utf8")));
const client = generateClient();
const Note = client.models.note;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = { created: [], observed: [], errors: [] };
const err = (where) => (e) => out.errors.push({ where, e: JSON.parse(JSON.stringify(e)) });

const subs = [
  Note.onCreate({ authMode: "apiKey" }).subscribe({ next: (n) => out.created.push(n), error: err("onCreate") }),
  Note.observeQuery({ filter: { title: { beginsWith: "from" } }, authMode: "apiKey" }).subscribe({
    next: ({ items, isSynced }) => out.observed.push({ isSynced, titles: items.map((i) => i.title).sort() }),
    error: err("observeQuery"),
  }),
];
await sleep(1500); // every start_ack in
console.log("ready");
const seen = () => out.created.some((n) => n.title === "from-psql") && out.observed.some((o) => o.titles.includes("from-psql"));
for (let i = 0; i < 100 && !seen(); i++) await sleep(100);
await sleep(200);
for (const s of subs) s.unsubscribe();
console.log(JSON.stringify(out));
process.exit(0);
