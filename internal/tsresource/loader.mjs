// Quarry's evaluator for amplify/data/resource.ts. Run as
//   node --enable-source-maps loader.mjs <project dir> <data dir> <module>
// where <module> is resource.ts and its local imports, compiled by Quarry
// (esbuild, in Go) into one ES module with an inline source map, with
// '@aws-amplify/backend' already replaced by a light stand-in. It imports
// the module and calls the real @aws-amplify/data-schema transform() on
// the schema defineData was given. It prints one JSON object:
// {ok: true, parts, authorizationModes} or
// {ok: false, message, file, line, column, model}, where file is absolute.
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [projectDir, dataDirArg, modulePath] = process.argv.slice(2);
const dataDir = resolve(dataDirArg);
const resourceTS = join(dataDir, "resource.ts");
const out = (v) => process.stdout.write(JSON.stringify(v) + "\n");

function fail(message, place = {}) {
  out({ ok: false, message, file: place.file ?? resourceTS, line: place.line ?? 0, column: place.column ?? 0, model: place.model ?? "" });
  process.exit(0);
}

const messageOf = (e) => String((e && e.message) || e);

// The user's own files: the project's, not its node_modules nor Quarry's
// work folder (this loader). A symlinked project may be named by either
// path.
const projects = [...new Set([resolve(projectDir), realpathSync(resolve(projectDir))])];
const isUserFile = (file) => !file.includes(sep + "node_modules" + sep) &&
  projects.some((p) => file.startsWith(p + sep) && !file.startsWith(join(p, ".quarry") + sep));

// userFrame is the first stack frame in the user's own files, mapped back
// to the .ts by Node's --enable-source-maps: an error thrown inside
// data-schema is reported at the user's call that led to it.
function userFrame(e) {
  for (const line of String((e && e.stack) || "").split("\n")) {
    const m = /\(?((?:file:\/\/)?\/[^\s()]*?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    try {
      file = file.startsWith("file://") ? fileURLToPath(file) : file;
    } catch {
      continue;
    }
    if (isUserFile(file)) {
      return { file, line: Number(m[2]), column: Number(m[3]) };
    }
  }
  return {};
}

try {
  createRequire(join(resolve(projectDir), "package.json")).resolve("@aws-amplify/data-schema");
} catch {
  fail("the project has no `@aws-amplify/data-schema` package: run `npm install @aws-amplify/data-schema` in " + resolve(projectDir));
}

let mod;
try {
  mod = await import(pathToFileURL(modulePath).href);
} catch (e) {
  fail(messageOf(e), userFrame(e));
}
const data = Object.values(mod).find((v) => v && v.__quarryData);
if (!data) fail("resource.ts exports no defineData({ schema }) (write `export const data = defineData({ schema, ... })`)");
const { schema, authorizationModes } = data.props;

// Rules are builders holding their data under a private symbol.
const ruleData = (r) => {
  const sym = r && Object.getOwnPropertySymbols(r).find((s) => s.description === "data");
  return sym ? r[sym] : r || {};
};

// fieldRule finds the model whose authorization rule names field (an owner
// or group field): data-schema's "Field x isn't defined." names no model.
function fieldRule(s, field) {
  const types = (s && s.data && s.data.types) || {};
  const schemaAuth = (s && s.data && s.data.authorization) || [];
  for (const [model, def] of Object.entries(types)) {
    const d = def && def.data;
    if (!d || !d.fields || !d.identifier) continue; // not a model
    const rules = (d.authorization && d.authorization.length ? d.authorization : schemaAuth).slice();
    for (const f of Object.values(d.fields)) rules.push(...((f && f.data && f.data.authorization) || []));
    const rule = rules.map(ruleData).find((r) => r.groupOrOwnerField === field);
    if (rule) return { model, table: d.originalName || model, rule, fields: d.fields };
  }
  return null;
}

// fieldNamed reads the field data-schema's message is about, and whether
// it is missing (else its type conflicts with what a rule needs).
function fieldNamed(message) {
  let m = /^Field (\S+) (isn't defined|defined twice with conflicting definitions)\.$/.exec(message);
  if (m) return { field: m[1], missing: m[2] === "isn't defined" };
  m = /^Implicit field (\S+) conflicts with the explicit field definition\.$/.exec(message);
  return m ? { field: m[1], missing: false } : null;
}

// explain rewrites data-schema's messages about an owner or group field
// into one naming the model, the table and the fix.
function explain(s, message) {
  const named = fieldNamed(message);
  if (!named) return null;
  const { field, missing } = named;
  const found = fieldRule(s, field);
  if (!found) return null;
  const { model, table, rule, fields } = found;
  // a.model()s of a.schema() are Quarry's managed models, not tables.
  const db = s.data && s.data.configuration && s.data.configuration.database;
  const sql = Boolean(db) && db.engine !== "dynamodb";
  const place = sql ? `column "${field}" of table ${table}` : `field "${field}" of model ${model}`;
  const group = rule.strategy === "groups";
  const many = Boolean(rule.multiOwner);
  const builder = group ? (many ? "groupsDefinedIn" : "groupDefinedIn") : (many ? "ownersDefinedIn" : "ownerDefinedIn");
  const call = !group && !many && field === "owner" ? "allow.owner()" : `allow.${builder}(${JSON.stringify(field)})`;
  const holds = group ? (many ? "the groups allowed" : "the group allowed") : (many ? "its owners" : "its owner");
  const type = many ? "a list of strings" : "a string";
  const isText = (f) => f && f.data && ["String", "ID", "AWSEmail"].includes(f.data.fieldType);
  const candidates = Object.entries(fields)
    .filter(([, f]) => isText(f) && Boolean(f.data.array) === many)
    .map(([name]) => name);
  const alternative = `name an existing ${sql ? "column" : "field"} with allow.${builder}(${JSON.stringify(group ? "allowed_groups" : "created_by")})` +
    (candidates.length ? ` (${many ? "the string-list" : "the text"} ${sql ? `columns of ${table}` : `fields of ${model}`}: ${candidates.join(", ")})` : "");
  if (missing) {
    return `model ${model}: ${call} needs a field "${field}" holding ${holds} (${type}), and table ${table} has no column "${field}": ` +
      `add the column to the table and run \`quarry generate schema-from-database\` again, or ${alternative}`;
  }
  // The column exists with another type: one value where a list is
  // wanted, or the other way round, has a rule of its own.
  const column = fields[field];
  let fix = alternative;
  if (isText(column) && Boolean(column.data.array) !== many) {
    const other = group ? (many ? "groupDefinedIn" : "groupsDefinedIn") : (many ? "ownerDefinedIn" : "ownersDefinedIn");
    fix = `use allow.${other}(${JSON.stringify(field)}) for ${column.data.array ? "a list" : "one value"} per row, or ${alternative}`;
  }
  const has = column && column.data ? (column.data.array ? `[${column.data.fieldType}]` : column.data.fieldType) : "another type";
  return `model ${model}: ${call} keeps ${holds} in field "${field}", which must be ${type}, but ${place} has type ${has}: ${fix}`;
}

// withIndexes adds to a SQL schema's SDL the @index directives of its
// models' .secondaryIndexes(): transform() writes them only for DynamoDB
// models, but Quarry serves them for tables too. Each is written as
// data-schema writes a DynamoDB model's (transformedSecondaryIndexesForModel),
// on the partition field's line of the model's type.
function withIndexes(s, sdl) {
  const cap = (x) => x.charAt(0).toUpperCase() + x.slice(1);
  const types = (s.data && s.data.types) || {};
  for (const [model, def] of Object.entries(types)) {
    const idx = def && def.data && def.data.identifier && def.data.secondaryIndexes;
    if (!idx || !idx.length) continue;
    const byField = {};
    for (const { data: { partitionKey, sortKeys = [], indexName, queryField } } of idx) {
      const attrs = [];
      if (indexName) attrs.push(`name: ${JSON.stringify(indexName)}`);
      if (sortKeys.length) attrs.push(`sortKeyFields: [${sortKeys.map((k) => JSON.stringify(k)).join(", ")}]`);
      if (queryField === null) attrs.push("queryField: null");
      else attrs.push(`queryField: ${JSON.stringify(queryField || `list${cap(model)}By${cap(partitionKey)}${sortKeys.length ? "And" + sortKeys.map(cap).join("And") : ""}`)}`);
      (byField[partitionKey] = byField[partitionKey] || []).push(`@index(${attrs.join(", ")})`);
    }
    const lines = sdl.split("\n");
    const start = lines.findIndex((l) => l.startsWith(`type ${model} @model`));
    if (start < 0) continue;
    for (let i = start + 1; i < lines.length && lines[i] !== "}"; i++) {
      const m = /^  ([_A-Za-z][_0-9A-Za-z]*):/.exec(lines[i]);
      if (m && byField[m[1]]) lines[i] += " " + byField[m[1]].join(" ");
    }
    sdl = lines.join("\n");
  }
  return sdl;
}

// a.combine([...]) holds several schemas; SQL schemas carry their database.
const schemas = schema && Array.isArray(schema.schemas) ? schema.schemas : [schema];
const parts = [];
for (const s of schemas) {
  let t;
  try {
    t = s.transform();
  } catch (e) {
    const message = messageOf(e);
    const explained = explain(s, message);
    const frame = userFrame(e);
    if (explained) fail(explained, { ...frame, model: fieldRule(s, fieldNamed(message).field).model });
    fail("transform(): " + message, frame);
  }
  const db = s.data && s.data.configuration && s.data.configuration.database;
  parts.push({
    sdl: db && db.engine !== "dynamodb" ? withIndexes(s, t.schema) : t.schema,
    database: db ? {
      engine: db.engine,
      identifier: db.identifier,
      connectionUriSecret: db.connectionUri && (db.connectionUri.__quarrySecret || db.connectionUri.name),
      sslCertSecret: db.sslCert && (db.sslCert.__quarrySecret || db.sslCert.name),
    } : null,
  });
}
const modes = authorizationModes ? JSON.parse(JSON.stringify(authorizationModes, (k, v) => (typeof v === "function" ? undefined : v))) : null;
out({ ok: true, parts, authorizationModes: modes });
