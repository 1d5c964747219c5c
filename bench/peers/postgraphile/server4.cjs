// PostGraphile 4 for the peer benchmark (issue 15), in library mode, with
// what the CLI's production flags set: one pool of 10 connections, no
// GraphiQL, no query log, no watch mode, simple list collections beside
// the connections. Library mode rather than the CLI so that the port opens
// only once the schema is built (the CLI listens first and makes the first
// requests wait), as server5.cjs does. Run by start.sh, which sets
// NODE_PATH to the packages install.sh put in the cache.
//
// Usage: node server4.cjs <port> <postgres-url>
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createServer } = require("node:http");
const { Pool } = require("pg");
const { postgraphile } = require("postgraphile");

function version() {
  const dir = path.dirname(require.resolve("postgraphile/package.json"));
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
}

async function main() {
  const [port, connectionString] = process.argv.slice(2);
  if (!port || !connectionString) {
    throw new Error("usage: server4.cjs <port> <postgres-url>");
  }
  const host = "127.0.0.1";
  const started = process.hrtime.bigint();
  const pool = new Pool({ connectionString, max: 10 });
  pool.on("error", (e) => console.error("PostgreSQL client error:", e.message));
  const middleware = postgraphile(pool, ["public"], {
    simpleCollections: "both", // --simple-collections both
    legacyRelations: "omit", // --legacy-relations omit (v5's relations)
    setofFunctionsContainNulls: false, // -N, [RECOMMENDED]
    dynamicJson: true, // -j, [RECOMMENDED]
    graphiql: false,
    disableQueryLog: true,
    watchPg: false,
    enableQueryBatching: false,
    allowExplain: false,
    retryOnInitFail: false,
  });
  // Build the schema before listening, so the first request is not the
  // one that pays for introspection.
  await middleware.getGraphQLSchema();
  const server = createServer(middleware);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(port), host, resolve);
  });
  server.on("error", (e) => console.error(e));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.error(`postgraphile ${version()} listening on http://${host}:${port}/graphql (schema ready in ${ms.toFixed(0)} ms)`);
  const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
