// One browser test: bundles browser/app.js (the real aws-amplify client)
// with esbuild, serves it in a page on a local port, and drives Debian's
// Chromium through playwright-core: the page lists messages, creates one,
// and receives its onCreate event over wss://. argv: the sandbox's
// amplify_outputs.json. Prints the page's RESULT as JSON.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const outputs = readFileSync(process.argv[2], "utf8");
const bundle = await build({
  entryPoints: [join(here, "browser", "app.js")], bundle: true, write: false, format: "esm",
  platform: "browser", define: { global: "globalThis" }, logLevel: "silent",
});
const js = bundle.outputFiles[0].text;
const html = `<!doctype html><meta charset="utf-8"><title>Quarry</title>
<p id="list"></p><p id="event"></p>
<script>window.OUTPUTS = ${outputs};</script><script type="module" src="/app.js"></script>`;
const server = createServer((req, res) => {
  if (req.url === "/app.js") {
    res.writeHead(200, { "content-type": "text/javascript" });
    res.end(js);
  } else {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(html);
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--ignore-certificate-errors"],
});
try {
  // The sandbox's certificate comes from its own local CA, which this
  // throwaway browser profile does not know.
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
  const logs = [];
  page.on("console", (m) => logs.push(m.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.RESULT && window.RESULT.created && window.RESULT.event, null, { timeout: 20000 })
    .catch(() => {});
  const result = await page.evaluate(() => window.RESULT);
  const shown = await page.textContent("#event");
  console.log(JSON.stringify({ ...result, shown, logs: logs.slice(-10) }));
} finally {
  await browser.close();
  server.close();
}
