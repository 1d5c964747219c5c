// Quarry's GraphiQL page. The bundle (graphiql.js, built by
// scripts/graphiql-assets.sh) provides window.QuarryGraphiQL; this file,
// kept readable, puts it together: queries and mutations go to /graphql
// over HTTP, subscriptions over graphql-transport-ws on the same path,
// and both send what the headers editor holds.
//
// Credentials: /?key=<API key> fills the x-api-key header, /?token=<JWT>
// (from `quarry sandbox token --user alice`) the Authorization header;
// both are shown in the headers editor, where they can be changed. Without
// either, GraphiQL keeps the headers of the last visit.
(() => {
  "use strict";
  const { React, createRoot, GraphiQL, createGraphiQLFetcher } = window.QuarryGraphiQL;
  const params = new URLSearchParams(location.search);

  const given = {};
  if (params.get("key")) given["x-api-key"] = params.get("key");
  if (params.get("token")) given["Authorization"] = params.get("token");
  // The page before the bundled one kept the key here.
  const oldKey = localStorage.getItem("quarry-api-key");
  const hadHeaders = Object.keys(localStorage).some((k) => k.startsWith("graphiql:") && k.endsWith("headers"));
  if (!Object.keys(given).length && oldKey && !hadHeaders) given["x-api-key"] = oldKey;
  localStorage.removeItem("quarry-api-key");
  const headers = Object.keys(given).length ? JSON.stringify(given, null, 2) : undefined;

  const ws = location.protocol === "https:" ? "wss:" : "ws:";
  const options = {
    url: `${location.origin}/graphql`,
    subscriptionUrl: `${ws}//${location.host}/graphql`,
    // Quarry answers with one JSON response: no multipart to expect.
    enableIncrementalDelivery: false,
  };
  // GraphiQL fetches the schema as it mounts, before the headers editor
  // exists, so without headers: the API would refuse it and the docs and
  // completion stay empty. Until the editor is there, the schema is
  // fetched with the headers it is about to show.
  const startHeaders = () => {
    if (Object.keys(given).length) return given;
    try {
      return JSON.parse(localStorage.getItem("graphiql:headers") || "{}");
    } catch {
      return {};
    }
  };
  const plain = createGraphiQLFetcher(options);
  const fetcher = createGraphiQLFetcher({
    ...options,
    schemaFetcher: (params, opts) => plain(params, opts && opts.headers ? opts : { ...opts, headers: startHeaders() }),
  });

  const props = {
    fetcher,
    headers,
    defaultHeaders: headers,
    shouldPersistHeaders: true,
    defaultEditorToolsVisibility: "headers",
    defaultQuery: [
      "# Quarry GraphiQL. The headers below carry your credentials:",
      '#   "x-api-key": an API key (open this page as /?key=<key>), or',
      '#   "Authorization": a token (/?token=<token>; in the sandbox:',
      "#   quarry sandbox token --user alice).",
      "# Subscriptions run over graphql-transport-ws on /graphql.",
      "{ __typename }",
      "",
    ].join("\n"),
  };
  if (params.get("query")) props.query = params.get("query");
  if (params.get("variables")) props.variables = params.get("variables");
  createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, props));
})();
