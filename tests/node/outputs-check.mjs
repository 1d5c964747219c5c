// Feeds an amplify_outputs.json (argv[2]) to the real aws-amplify client:
// Amplify.configure(outputs), generateClient(), then for every model checks
// which of client.models[Name]'s operations exist and calls list, get,
// create, update and delete, and every custom query and mutation, with
// sample arguments. fetch is replaced by a stub that records each request
// (URL, document, variables, x-api-key) and answers with an empty result,
// so no server is needed; subscriptions are only checked for presence,
// because calling them would open a WebSocket.
//
// Prints one JSON line, the report, last on stdout:
//   {models: {Name: {functions: [...], calls: {op: {url, apiKey, query, variables, error?}}}},
//    queries: {name: call}, mutations: {name: call}, enums: {Name: [values]}}
// The Go test (internal/codegen/outputs_test.go) validates the recorded
// documents and variables against the schema Quarry serves.
import { readFileSync } from "node:fs";
import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/data";

const outputs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const mi = outputs.data.model_introspection;

let requests = [];
let answer = null;
globalThis.fetch = async (url, init) => {
  const body = JSON.parse(init.body);
  requests.push({
    url: String(url),
    apiKey: new Headers(init.headers).get("x-api-key"),
    query: body.query,
    variables: body.variables,
  });
  // The first field after the first "{" is the root field: variable
  // declarations hold no braces.
  const field = /\{\s*([_A-Za-z][_0-9A-Za-z]*)/.exec(body.query)[1];
  return new Response(JSON.stringify({ data: { [field]: answer } }), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
};

// Sample values that the server's input coercion accepts for each type.
const scalars = {
  ID: "a1", String: "s", Int: 1, Float: 1.5, Boolean: true,
  AWSDate: "2024-01-02", AWSTime: "12:34:56", AWSDateTime: "2024-01-02T12:34:56Z",
  AWSTimestamp: 1700000000, AWSJSON: "{\"a\":1}", AWSEmail: "a@example.com",
  AWSURL: "https://example.com/", AWSPhone: "+15555550100", AWSIPAddress: "127.0.0.1",
};
function sample({ type, isArray }) {
  let v;
  if (typeof type === "string") v = scalars[type];
  else if (type.enum) v = mi.enums[type.enum].values[0];
  else return undefined; // relationships and objects are not inputs
  return isArray ? [v] : v;
}

async function call(fn, args, result) {
  requests = [];
  answer = result;
  let error;
  try {
    const r = args === undefined ? await fn() : await fn(args);
    if (r && r.errors && r.errors.length) error = JSON.stringify(r.errors);
  } catch (e) {
    error = String((e && e.stack) || e);
  }
  const req = requests[0] || {};
  if (requests.length !== 1) error = (error ? error + "; " : "") + `${requests.length} requests`;
  return { ...req, ...(error ? { error } : {}) };
}

Amplify.configure(outputs);
const client = generateClient();
const report = { models: {}, queries: {}, mutations: {}, enums: {} };

for (const [name, model] of Object.entries(mi.models)) {
  const ops = client.models[name];
  if (!ops) {
    report.models[name] = { functions: [], calls: {} };
    continue;
  }
  const fields = Object.values(model.fields).filter((f) => !f.association);
  const { primaryKeyFieldName, sortKeyFieldNames } = model.primaryKeyInfo;
  const key = Object.fromEntries(
    [primaryKeyFieldName, ...sortKeyFieldNames].map((k) => [k, sample(model.fields[k])]),
  );
  const row = (keep) => Object.fromEntries(fields.filter(keep).map((f) => [f.name, sample(f)]));
  const functions = Object.keys(ops).filter((k) => k && typeof ops[k] === "function").sort();
  const calls = {};
  const plans = {
    list: [undefined, { items: [], nextToken: null, __typename: name }],
    get: [key, null],
    // Computed fields are not in the create input; the client sends what
    // it is given, so they are left out here.
    create: [row((f) => !f.isReadOnly), null],
    // The client itself must drop the isReadOnly fields from updates.
    update: [row(() => true), null],
    delete: [key, null],
  };
  for (const [op, [args, result]] of Object.entries(plans)) {
    if (typeof ops[op] === "function") calls[op] = await call(ops[op], args, result);
  }
  report.models[name] = { functions, calls };
}

for (const kind of ["queries", "mutations"]) {
  for (const [name, op] of Object.entries(mi[kind] || {})) {
    const fn = client[kind] && client[kind][name];
    if (typeof fn !== "function") {
      report[kind][name] = { error: "no function" };
      continue;
    }
    const args = op.arguments
      ? Object.fromEntries(Object.values(op.arguments).map((a) => [a.name, sample(a)]))
      : undefined;
    report[kind][name] = await call(fn, args, op.isArray ? [] : null);
  }
}

for (const name of Object.keys(mi.enums)) {
  report.enums[name] = client.enums[name] ? client.enums[name].values() : null;
}

console.log(JSON.stringify(report));
