// The parts of GraphiQL that Quarry's page (internal/server/graphiql/page.js)
// puts together, as one global: the page's own logic stays outside the
// bundle, readable and changeable without npm.
import * as React from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import "graphiql/style.css";

window.QuarryGraphiQL = { React, createRoot, GraphiQL, createGraphiQLFetcher };
