#!/usr/bin/env bash
# Rebuilds GraphiQL's embedded assets (internal/server/graphiql/graphiql.js,
# graphiql.css, THIRD_PARTY.txt) from the npm packages pinned in
# tools/graphiql/package-lock.json. The built files are committed, so
# `go build` needs no npm; run this after changing a version there
# (edit package.json, then `npm install --prefix tools/graphiql` to update
# the lock) and commit what it writes.
set -euo pipefail
cd "$(dirname "$0")/../tools/graphiql"
command -v npm >/dev/null || { echo "npm is not installed: apt-get install nodejs npm" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
node build.mjs
