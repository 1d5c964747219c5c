// Builds internal/server/graphiql/graphiql.{js,css} from the packages
// installed here (npm ci), and THIRD_PARTY.txt with the licence of every
// package the bundle contains. Run through scripts/graphiql-assets.sh.
import { build } from "esbuild";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "internal", "server", "graphiql");

const result = await build({
  entryPoints: { graphiql: join(here, "entry.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  platform: "browser",
  define: { "process.env.NODE_ENV": '"production"' },
  // Fonts and images are already data: URLs in graphiql's CSS; anything
  // else referenced is inlined too, so the page never fetches elsewhere.
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".png": "dataurl", ".svg": "dataurl" },
  // Licence texts go to THIRD_PARTY.txt, whole, rather than scattered
  // comments.
  legalComments: "none",
  metafile: true,
  outdir: out,
  logLevel: "warning",
});

// The packages whose code or styles made it into the bundle.
const dirs = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (m) dirs.add(join(here, m[1]));
}
const pkgs = [...dirs].sort().map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)([-.][\w.-]*)?$/i.test(f));
  const repo = String(pkg.repository?.url ?? pkg.repository ?? "").replace(/^git\+|\.git$/g, "");
  return { pkg, repo, text: file ? readFileSync(join(dir, file), "utf8").trim() : "" };
});
// A package published without a licence file takes the one of a bundled
// package from the same repository (graphiql's plugins, React's compiler
// runtime), else the text kept in licenses/<name>.txt.
for (const p of pkgs.filter((p) => !p.text)) {
  const sibling = pkgs.find((o) => o.text && o.repo && o.repo === p.repo);
  const kept = join(here, "licenses", p.pkg.name.replace("/", "__") + ".txt");
  if (sibling) {
    p.text = `(no licence file in the package; that of ${sibling.pkg.name}, from the same repository ${p.repo})\n\n${sibling.text}`;
  } else if (existsSync(kept)) {
    p.text = readFileSync(kept, "utf8").trim();
  } else {
    throw new Error(`${p.pkg.name}@${p.pkg.version} ships no licence file: put its licence text in ${kept}`);
  }
}
const sections = pkgs.map(({ pkg, text }) => `${pkg.name}@${pkg.version} (${pkg.license})\n${"-".repeat(60)}\n${text}\n`);
writeFileSync(join(out, "THIRD_PARTY.txt"),
  `Third-party software in Quarry's GraphiQL bundle (graphiql.js, graphiql.css),\n` +
  `built by scripts/graphiql-assets.sh from tools/graphiql/package-lock.json.\n` +
  `${sections.length} packages, each with its licence as shipped in its npm package.\n\n` +
  sections.join("\n"));

// Nothing in the CSS may load from elsewhere: every url() is data: (the
// JavaScript's URL strings are links and XML namespaces, never fetched;
// the browser test proves the page loads nothing off its own origin).
const css = readFileSync(join(out, "graphiql.css"), "utf8");
const external = [...css.matchAll(/url\(\s*["']?(?!data:)([^"')]*)/g)].map((m) => m[1]);
const imports = [...css.matchAll(/@import[^;]*/g)].map((m) => m[0]);
if (external.length || imports.length) {
  throw new Error(`graphiql.css loads from elsewhere: ${[...external, ...imports].join(", ")}`);
}
for (const f of ["graphiql.js", "graphiql.css"]) {
  console.log(`${f}: ${readFileSync(join(out, f)).length} bytes`);
}
console.log(`THIRD_PARTY.txt: ${sections.length} packages`);
