// Quarry's evaluator for amplify/data/resource.ts. Run as
//   node loader.mjs <project dir> <data dir> <work dir>
// It transpiles every .ts file of the data dir with the project's own
// `typescript`, points '@aws-amplify/backend' at a light stand-in (the real
// package pulls in the AWS CDK), imports resource.ts, and calls the real
// @aws-amplify/data-schema transform() on the schema defineData was given.
// It prints one JSON object: {ok: true, sdl, database, authorizationModes}
// or {ok: false, file, line, column, message}.
import { createRequire } from "node:module";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [projectDir, dataDir, workDir] = process.argv.slice(2);
const out = (v) => process.stdout.write(JSON.stringify(v) + "\n");
const requireFromProject = createRequire(join(resolve(projectDir), "package.json"));

function fail(message, file, line, column) {
  out({ ok: false, message, file, line, column });
  process.exit(0);
}

// TypeScript to JavaScript: the project's typescript (5.x has the
// transpileModule API; 7.x, the native compiler, has no JavaScript API),
// else Node's own type stripping (Node 22.13+).
let transpile;
try {
  const ts = requireFromProject("typescript");
  if (typeof ts.transpileModule === "function") {
    transpile = (path, text) => {
      const result = ts.transpileModule(text, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        fileName: path,
        reportDiagnostics: true,
      });
      for (const d of result.diagnostics ?? []) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
        fail(ts.flattenDiagnosticMessageText(d.messageText, "\n"), path, line + 1, character + 1);
      }
      return result.outputText;
    };
  }
} catch {
  // no typescript package: try Node's below
}
if (!transpile) {
  const nodeModule = await import("node:module");
  if (typeof nodeModule.stripTypeScriptTypes === "function") {
    transpile = (path, text) => {
      try {
        return nodeModule.stripTypeScriptTypes(text, { mode: "transform" });
      } catch (e) {
        fail(String(e && e.message || e), path);
      }
    };
  } else {
    fail("cannot read TypeScript here: run `npm install --save-dev typescript@5` in " + projectDir +
      " (TypeScript 7 has no JavaScript API; Node 22.13 or newer can also strip types itself)");
  }
}
try {
  requireFromProject.resolve("@aws-amplify/data-schema");
} catch {
  fail("the project has no `@aws-amplify/data-schema` package: run `npm install @aws-amplify/data-schema` in " + projectDir);
}

// The stand-in for '@aws-amplify/backend': `a` from data-schema, a
// defineData that keeps what it was given, and secret() naming a secret of
// Quarry's store. The work dir is inside the project, so bare imports
// resolve to the project's packages, each loaded once (two copies of
// data-schema would not recognise each other's fields).
mkdirSync(workDir, { recursive: true });
// A name no ordinary .ts file of the data folder turns into.
const backend = join(workDir, "__quarry_backend__.mjs");
writeFileSync(backend, `export { a } from "@aws-amplify/data-schema";
export const defineData = (props) => ({ __quarryData: true, props });
export function secret(name) {
  return { __quarrySecret: name, name, resolve() { return { name }; }, resolvePath() { return { branchSecretPath: name, sharedSecretPath: name }; } };
}
`);

// Transpile every .ts file; syntax errors stop here, with their place.
for (const name of readdirSync(dataDir).filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))) {
  const path = join(dataDir, name);
  const js = transpile(path, readFileSync(path, "utf8"))
    .replace(/from\s+(['"])@aws-amplify\/backend\1/g, `from ${JSON.stringify(pathToFileURL(backend).href)}`)
    .replace(/from\s+(['"])(\.{1,2}\/[^'"]+?)(\.js|\.ts)?\1/g, (m, q, p) => `from ${q}${p}.mjs${q}`);
  writeFileSync(join(workDir, name.replace(/\.ts$/, ".mjs")), js);
}

// Evaluate: a runtime error names the place in resource.ts (transpiling
// keeps the lines).
let mod;
try {
  mod = await import(pathToFileURL(join(workDir, "resource.mjs")).href);
} catch (e) {
  const m = String(e && e.stack || e).match(/\/([^/\s]+)\.mjs:(\d+):(\d+)/);
  if (m) fail(String(e && e.message || e), join(dataDir, m[1] + ".ts"), Number(m[2]), Number(m[3]));
  fail(String(e && e.message || e), join(dataDir, "resource.ts"));
}
const data = Object.values(mod).find((v) => v && v.__quarryData);
if (!data) fail("resource.ts exports no defineData({ schema }) (write `export const data = defineData({ schema, ... })`)", join(dataDir, "resource.ts"));
const { schema, authorizationModes } = data.props;

// a.combine([...]) holds several schemas; SQL schemas carry their database.
const schemas = schema && Array.isArray(schema.schemas) ? schema.schemas : [schema];
const parts = [];
for (const s of schemas) {
  let t;
  try {
    t = s.transform();
  } catch (e) {
    fail("transform(): " + String(e && e.message || e), join(dataDir, "resource.ts"));
  }
  const db = s.data && s.data.configuration && s.data.configuration.database;
  parts.push({
    sdl: t.schema,
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
