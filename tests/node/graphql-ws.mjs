// Subscribes with the graphql-ws library (what Apollo and urql use) on
// Quarry's /graphql, over graphql-transport-ws. argv: the WebSocket URL,
// the API key, the subscription. Prints "ready" once subscribed, then one
// JSON line per event; exits after argv[4] events.
import WebSocket from "ws";
import { createClient } from "graphql-ws";

const [url, key, query, count] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { "x-api-key": key }, lazy: false });
let seen = 0;
client.on("connected", () => setTimeout(() => console.log("ready"), 300));
client.subscribe({ query }, {
  next: (v) => {
    console.log(JSON.stringify(v));
    if (++seen >= Number(count)) {
      client.dispose();
      process.exit(0);
    }
  },
  error: (e) => {
    console.log(JSON.stringify({ error: String(e && (e.message || e.reason || e)) }));
    process.exit(1);
  },
  complete: () => {},
});
