#!/usr/bin/env bash
# Runs PostGraphile 4 or 5 for the peer benchmark (issue 15) in the
# foreground (exec, so the caller can stop it by this process's id), on
# http://127.0.0.1:<port>/graphql, over one pool of 10 connections, with
# production settings: NODE_ENV=production, no query log, no GraphiQL, no
# watch mode, no explain, simple list collections beside the connections.
# The port opens only once the schema is built, so a caller may take
# "listening" for "ready". install.sh must have run first (same
# QUARRY_PEERS_CACHE).
#
# Usage: start.sh <4|5> <port> <postgres-url>
set -euo pipefail

if [[ $# -ne 3 || ! $1 =~ ^[45]$ ]]; then
	echo "usage: $0 <4|5> <port> <postgres-url>" >&2
	exit 2
fi
version=$1 port=$2 url=$3
CACHE=${QUARRY_PEERS_CACHE:-$HOME/.cache/quarry-peers}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node=$CACHE/bin/node
if [[ ! -x $node || ! -d $CACHE/pg$version/node_modules/postgraphile ]]; then
	echo "$0: PostGraphile $version is not installed in $CACHE; run $here/install.sh" >&2
	exit 1
fi

export NODE_ENV=production
# Grafast (v5) reads GRAPHILE_ENV, and falls back to NODE_ENV with a warning.
export GRAPHILE_ENV=production

# Both run in library mode (server<version>.cjs), which PostGraphile's
# documentation recommends for production; NODE_PATH points require() at
# the packages install.sh put in the cache.
export NODE_PATH=$CACHE/pg$version/node_modules
exec "$node" "$here/server$version.cjs" "$port" "$url"
