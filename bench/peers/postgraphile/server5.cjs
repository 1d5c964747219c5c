// PostGraphile 5 for the peer benchmark (issue 15), in library mode, as its
// documentation recommends for production: the Amber preset, one pool of
// 10 connections, no GraphiQL, no watch mode, no explain. Run by start.sh,
// which sets NODE_PATH to the packages install.sh put in the cache (this
// file is CommonJS because only require() honours NODE_PATH).
//
// Usage: node server5.cjs <port> <postgres-url>
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createServer } = require("node:http");
const { postgraphile } = require("postgraphile");
const { grafserv } = require("postgraphile/grafserv/node");
const { PostGraphileAmberPreset } = require("postgraphile/presets/amber");
const { makePgService } = require("postgraphile/adaptors/pg");

// version reads the installed postgraphile's version (its package.json is
// not among the package's exports, so require() cannot load it).
function version() {
  const dir = path.join(path.dirname(require.resolve("postgraphile")), "..");
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

async function main() {
  const [port, connectionString] = process.argv.slice(2);
  if (!port || !connectionString) {
    throw new Error("usage: server5.cjs <port> <postgres-url>");
  }
  const host = "127.0.0.1";
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({
        connectionString,
        schemas: ["public"],
        poolConfig: { max: 10 },
        // No LISTEN/NOTIFY client: there are no subscriptions to serve.
        pubsub: false,
      }),
    ],
    schema: {
      // Simple lists (allTracksList, tracksByAlbumIdList) beside the
      // connections, as v4's --simple-collections both: the benchmark's
      // documents use the lists, which match Quarry's pages most closely.
      defaultBehavior: "+list",
    },
    grafast: { explain: false },
    grafserv: {
      host,
      port: Number(port),
      graphiql: false,
      graphiqlOnGraphQLGET: false,
      watch: false,
      websockets: false,
    },
  };
  const started = process.hrtime.bigint();
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.once("listening", () => {
    server.on("error", (e) => console.error(e));
  });
  serv.addTo(server).catch((e) => {
    console.error(e);
    process.exit(1);
  });
  // Build the schema before listening, so the first request is not the
  // one that pays for introspection.
  await pgl.getSchema();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(port), host, resolve);
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.error(`postgraphile ${version()} listening on http://${host}:${port}/graphql (schema ready in ${ms.toFixed(0)} ms)`);
  const stop = () => server.close(() => pgl.release().then(() => process.exit(0)));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
