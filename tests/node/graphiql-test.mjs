// Drives Quarry's GraphiQL page in Debian's Chromium (playwright-core) with
// no network but loopback: runs a query given as ?query=, then a
// subscription typed into the editor, creating rows over HTTP until the
// subscription's event shows in the result panel. Records every request
// the page made. argv: the server's base URL, an API key, a token, the
// screenshot's path. Prints what it saw as JSON.
import { chromium } from "playwright-core";

const [base, key, token, shot] = process.argv.slice(2);
const origin = new URL(base).origin;
const query = "{ listMessages { items { id body } } }";
const subscription = "subscription OnCreate { onCreateMessage { id body } }";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    // Every request off loopback goes to a proxy that is not there (the
    // loopback addresses bypass proxies), and no name resolves but
    // loopback: a CDN load can only fail.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
  ],
});
const out = { introspected: 0, status: [], requests: [], sockets: [], failed: [], errors: [], console: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.on("request", (r) => out.requests.push(r.url()));
  context.on("response", (r) => {
    if (r.status() >= 400) out.status.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    // GraphiQL's schema (for docs and completion) came through.
    if (r.status() === 200 && (r.request().postData() || "").includes("IntrospectionQuery")) out.introspected++;
  });
  context.on("requestfailed", (r) => out.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  const page = await context.newPage();
  out.page = page;
  page.on("websocket", (ws) => out.sockets.push(ws.url()));
  page.on("pageerror", (e) => out.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") out.console.push(m.text()); });

  // The editors are CodeMirror 5 instances: read and set them through it.
  const editorValue = (selector) => page.evaluate((s) => {
    const el = document.querySelector(s);
    return el && el.CodeMirror ? el.CodeMirror.getValue() : null;
  }, selector);
  const response = () => editorValue(".graphiql-response .CodeMirror");
  const waitResponse = async (pred, ms) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await response();
      if (v && pred(v)) return v;
      if (Date.now() > end) return v;
      await page.waitForTimeout(200);
    }
  };

  // 1. A query given in the URL, with the API key.
  await page.goto(`${base}/?key=${encodeURIComponent(key)}&query=${encodeURIComponent(query)}`);
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  // The headers editor is open and shows the key.
  out.headers = await page.evaluate(() => [...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")]
    .map((e) => e.CodeMirror.getValue()).join("\n"));
  await page.click(".graphiql-execute-button");
  out.query = await waitResponse((v) => v.includes('"listMessages"'), 20000);

  // 2. A subscription; rows created over HTTP (until one shows:
  // the server may not have the subscription yet when the first is made).
  await page.goto(`${base}/?key=${encodeURIComponent(key)}&query=${encodeURIComponent(subscription)}`);
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  await page.click(".graphiql-execute-button");
  const end = Date.now() + 30000;
  let n = 0;
  out.created = [];
  for (;;) {
    const body = `from the test ${++n}`;
    const res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ query: `mutation { createMessage(input: {body: "${body}"}) { id body } }` }),
    });
    out.created.push((await res.json()).data?.createMessage?.body ?? null);
    const v = await waitResponse((v) => v.includes("from the test"), 1000);
    if ((v && v.includes("from the test")) || Date.now() > end) {
      out.subscription = v;
      break;
    }
  }
  await page.screenshot({ path: shot });

  // 3. A token given in the URL goes into the Authorization header.
  await page.goto(`${base}/?token=${encodeURIComponent(token)}&query=${encodeURIComponent("{ __typename }")}`);
  await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  const sent = page.waitForRequest((r) => r.url() === `${base}/graphql` && r.method() === "POST" &&
    (r.postData() || "").includes("__typename") && !(r.postData() || "").includes("IntrospectionQuery"), { timeout: 20000 });
  await page.click(".graphiql-execute-button");
  out.tokenHeader = (await sent).headers()["authorization"] ?? null;
  out.tokenHeaders = await page.evaluate(() => [...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")]
    .map((e) => e.CodeMirror.getValue()).join("\n"));
  out.offOrigin = [...out.requests, ...out.sockets].filter((u) => {
    if (u.startsWith("data:")) return false;
    try { return new URL(u).host !== new URL(origin).host; } catch { return true; }
  });
} catch (e) {
  // Say what the page showed and said, not only where the script stopped.
  out.failure = String(e);
  await out.page?.screenshot({ path: shot }).catch(() => {});
  out.text = await out.page?.evaluate(() => document.body.innerText.slice(0, 2000)).catch(() => null);
} finally {
  delete out.page;
  await browser.close();
}
console.log(JSON.stringify(out));
