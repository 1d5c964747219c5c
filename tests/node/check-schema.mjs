// Loads each generated schema.sql.ts given on the command line with the real
// @aws-amplify/data-schema package and calls transform() on its schema.
// Prints one JSON line per file: {file, ok, error?, sdl?}. Exit code 0 even
// when a file fails: the Go test reads the lines and reports.
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { basename, join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

for (const file of process.argv.slice(2)) {
  const out = join(here, `.check-${process.pid}-${basename(file)}.mjs`);
  try {
    const js = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    writeFileSync(out, js);
    const mod = await import(pathToFileURL(out).href);
    const result = mod.schema.transform();
    console.log(JSON.stringify({ file, ok: true, sdl: result.schema }));
  } catch (e) {
    console.log(JSON.stringify({ file, ok: false, error: String(e && e.stack || e) }));
  } finally {
    rmSync(out, { force: true });
  }
}
