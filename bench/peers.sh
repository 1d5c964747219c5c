#!/usr/bin/env bash
# The peer benchmark (issue 15) in one command: Quarry against PostGraphile
# 5 and 4, a hand-written HTTP floor and pgbench, on PostgreSQL and
# MariaDB. Run it from anywhere in a checkout; `bench/peers.sh --help`
# says what it does and how to change it.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: bench/peers.sh [options]

Builds Quarry, the HTTP floor and the load driver, installs PostGraphile 5
and 4 (bench/peers/postgraphile/install.sh, into $QUARRY_PEERS_CACHE or
~/.cache/quarry-peers), recreates the bench databases (Chinook plus a
10,000-row table, on PostgreSQL and MariaDB), starts every contestant on
its own port, verifies that each answers every workload exactly as Quarry
does, measures, and stops everything it started. Results go to the output
directory: results.json (every raw figure), results.md (the tables, also
printed), throughput.png and latency.png.

Contestants: Quarry (`quarry serve`) on PostgreSQL and on MariaDB, with an
API key; Quarry with an owner rule on playlist, called with a JWT;
PostGraphile 5 and 4; the HTTP floor (hand-written SQL behind a bare Go
net/http handler) on each engine; pgbench running the floor's SQL with no
HTTP at all.

Each measurement loads one contestant with N keep-alive HTTP/1.1
connections for the warm-up and then the measured time. For each round,
for each workload, for each concurrency, every contestant runs once, in an
order rotated every round. With the defaults that is about 180 runs a
round, some 25 minutes in all.

Options (each also as an environment variable):
  -d, --duration D       measured time per run, a Go duration   QUARRY_PEERS_DURATION (3s)
  -w, --warmup D         unrecorded load before each run          QUARRY_PEERS_WARMUP (1s)
  -r, --rounds N         rounds                                   QUARRY_PEERS_ROUNDS (2)
  -c, --concurrency L    connections per run, comma-separated     QUARRY_PEERS_CONCURRENCY (1,16,64,256)
  -W, --workloads L      only these workloads, comma-separated    QUARRY_PEERS_WORKLOADS (all)
                         (tracks20, album, albums_tracks_genre, playlist_tracks,
                          album_c1, invoice_line_cud, playlist_owner, items10k)
  -o, --out DIR          output directory                         QUARRY_PEERS_OUT (bench/peers-results)
      --no-postgraphile  skip installing and running PostGraphile  QUARRY_PEERS_NO_POSTGRAPHILE=1
      --no-mariadb       PostgreSQL only                          QUARRY_PEERS_NO_MARIADB=1
      --no-pgbench       skip the raw-SQL floor                   QUARRY_PEERS_NO_PGBENCH=1
      --no-setup         keep the bench databases as they are     QUARRY_PEERS_NO_SETUP=1
      --keep-work        keep the work directory (logs, projects) QUARRY_PEERS_KEEP_WORK=1
      --port-base N      first of 8 consecutive ports             QUARRY_PEERS_PORT_BASE (18500)
  -h, --help             this text

Databases (the servers must be running; the database is dropped and
recreated unless --no-setup):
  QUARRY_PEERS_DB        database name on both servers (quarry_peers)
  QUARRY_PEERS_PG        PostgreSQL server URL, no database (postgres://postgres@127.0.0.1:5432)
  QUARRY_PEERS_MYSQL     MariaDB user[:password]@host:port (root@127.0.0.1:3306)

pgbench opens one database connection per client, beside the pools the
HTTP contestants keep open (about 70 connections): for its 64 and 256
columns PostgreSQL needs max_connections of about 350; with fewer it runs
with the connections that are free, and the report says so.

A quick look (about four minutes):
  bench/peers.sh -d 1s -w 300ms -r 1 -c 1,64
EOF
}

# --- options -------------------------------------------------------------
duration=${QUARRY_PEERS_DURATION:-3s}
warmup=${QUARRY_PEERS_WARMUP:-1s}
rounds=${QUARRY_PEERS_ROUNDS:-2}
concurrency=${QUARRY_PEERS_CONCURRENCY:-1,16,64,256}
workloads=${QUARRY_PEERS_WORKLOADS:-}
out=${QUARRY_PEERS_OUT:-bench/peers-results}
no_pg=${QUARRY_PEERS_NO_POSTGRAPHILE:-}
no_my=${QUARRY_PEERS_NO_MARIADB:-}
no_pgbench=${QUARRY_PEERS_NO_PGBENCH:-}
no_setup=${QUARRY_PEERS_NO_SETUP:-}
keep_work=${QUARRY_PEERS_KEEP_WORK:-}
port_base=${QUARRY_PEERS_PORT_BASE:-18500}
db=${QUARRY_PEERS_DB:-quarry_peers}
pg_server=${QUARRY_PEERS_PG:-postgres://postgres@127.0.0.1:5432}
my_server=${QUARRY_PEERS_MYSQL:-root@127.0.0.1:3306}

while [[ $# -gt 0 ]]; do
	case $1 in
	-d | --duration) duration=$2; shift ;;
	-w | --warmup) warmup=$2; shift ;;
	-r | --rounds) rounds=$2; shift ;;
	-c | --concurrency) concurrency=$2; shift ;;
	-W | --workloads) workloads=$2; shift ;;
	-o | --out) out=$2; shift ;;
	--no-postgraphile) no_pg=1 ;;
	--no-mariadb) no_my=1 ;;
	--no-pgbench) no_pgbench=1 ;;
	--no-setup) no_setup=1 ;;
	--keep-work) keep_work=1 ;;
	--port-base) port_base=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

log() { echo "peers.sh: $*" >&2; }
die() { log "$*"; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
case $out in /*) ;; *) out=$repo/$out ;; esac

command -v go >/dev/null || die "needs Go (go build)"
[[ -n $no_pgbench ]] || command -v pgbench >/dev/null || die "needs pgbench (apt-get install postgresql-client), or --no-pgbench"

pg_url="$pg_server/$db?sslmode=disable"         # sslmode=disable: no contestant pays for TLS
my_user=${my_server%@*} my_hostport=${my_server#*@}
my_dsn="$my_user@tcp($my_hostport)/$db"           # go-sql-driver form (floor, driver)
my_url="mysql://$my_user@$my_hostport/$db"        # Quarry's form
api_key=da2-quarry-peers

work=$(mktemp -d "${TMPDIR:-/tmp}/quarry-peers.XXXXXX")
bin=$work/bin logs=$work/logs
mkdir -p "$bin" "$logs"

# --- stop what was started, by PID -----------------------------------------
pids=()
names=()
cleanup() {
	local status=$?
	for i in "${!pids[@]}"; do
		kill "${pids[$i]}" 2>/dev/null || true
	done
	for i in "${!pids[@]}"; do
		for _ in $(seq 50); do
			kill -0 "${pids[$i]}" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "${pids[$i]}" 2>/dev/null; then
			log "${names[$i]} (pid ${pids[$i]}) ignored SIGTERM; killing it"
			kill -9 "${pids[$i]}" 2>/dev/null || true
		fi
	done
	if [[ -n $keep_work || $status -ne 0 ]]; then
		log "work directory kept: $work (logs in $logs)"
	else
		rm -rf "$work"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME PORT CMD... runs CMD in the background with its output in
# logs/NAME.log and waits until PORT accepts connections.
start() {
	local name=$1 port=$2
	shift 2
	"$@" >"$logs/$name.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	names+=("$name")
	for _ in $(seq 600); do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$logs/$name.log" >&2
			die "$name exited at start (log above)"
		fi
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			log "$name listening on 127.0.0.1:$port (pid $pid)"
			return
		fi
		sleep 0.1
	done
	die "$name did not listen on port $port within 60 s (log: $logs/$name.log)"
}

# --- build -----------------------------------------------------------------
log "building quarry, the floor and the driver"
go build -o "$bin/quarry" ./cmd/quarry
go build -o "$bin/floor" ./bench/peers/floor
go build -o "$bin/load" ./bench/peers/load

versions=()
if [[ -z $no_pg ]]; then
	bench/peers/postgraphile/install.sh
	cache=${QUARRY_PEERS_CACHE:-$HOME/.cache/quarry-peers}
	versions+=(-version "node=$("$cache/bin/node" --version)")
	for v in 5 4; do
		# Read as a file: postgraphile 5's package exports do not list
		# package.json, so require("postgraphile/package.json") fails.
		versions+=(-version "postgraphile$v=$("$cache/bin/node" -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version' "$cache/pg$v/node_modules/postgraphile/package.json")")
	done
fi

# --- databases --------------------------------------------------------------
if [[ -z $no_setup ]]; then
	log "creating the bench databases ($db)"
	"$bin/load" setup -pg "$pg_url" -mariadb "$([[ -n $no_my ]] || echo "$my_dsn")"
fi

# project ENGINE_URL DIR writes DIR/amplify/data/schema.sql.graphql from the
# database, as a user of `quarry serve` over an existing database would.
project() {
	mkdir -p "$2/amplify/data"
	(cd "$2" && SQL_CONNECTION_STRING=$1 "$bin/quarry" generate schema-from-database \
		--connection-uri-secret SQL_CONNECTION_STRING --out amplify/data/schema.sql.graphql >"$logs/generate-$(basename "$2").log" 2>&1) ||
		die "quarry generate failed (log: $logs/generate-$(basename "$2").log)"
}

port_quarry_pg=$port_base
port_quarry_rule=$((port_base + 1))
port_quarry_my=$((port_base + 2))
port_pg5=$((port_base + 3))
port_pg4=$((port_base + 4))
port_floor_pg=$((port_base + 5))
port_floor_my=$((port_base + 6))
port_issuer=$((port_base + 7))
issuer=http://127.0.0.1:$port_issuer

project "$pg_url" "$work/quarry-pg"
# The owner-rule instance: the same schema, plus rules in resource.graphql.
# Tokens come from a local issuer (`load issuer`), checked as Quarry checks
# any user pool's: JWKS fetched over HTTP, signature, issuer, audience,
# expiry. Every signed-in user may read the other tables ({allow: private});
# a playlist only its owner (playlist.owner is 'user-1' on every row, the
# token's user).
mkdir -p "$work/quarry-rule/amplify/data"
cp "$work/quarry-pg/amplify/data/schema.sql.graphql" "$work/quarry-rule/amplify/data/"
cat >"$work/quarry-rule/amplify/data/resource.graphql" <<EOF
extend schema @authorizationModes(defaultAuthorizationMode: userPool,
  userPoolAuthorizationMode: {issuer: "$issuer", clientId: "quarry-peers"})
extend schema @auth(rules: [{allow: private}])
extend type playlist @auth(rules: [{allow: owner}])
EOF
[[ -n $no_my ]] || project "$my_url" "$work/quarry-mariadb"

# --- contestants ------------------------------------------------------------
# Every Quarry runs with its defaults (pool 16, as the floor's) except the
# list limit, which items10k's single page of 10,000 rows needs.
quarry_serve() {
	local dir=$1 url=$2 port=$3
	cd "$dir" && SQL_CONNECTION_STRING=$url API_KEYS=$api_key exec "$bin/quarry" serve \
		--host 127.0.0.1 --port "$port" --max-list-limit 10000
}
start issuer "$port_issuer" "$bin/load" issuer -addr "127.0.0.1:$port_issuer" -key "$work/issuer.jwk"
start quarry-pg "$port_quarry_pg" quarry_serve "$work/quarry-pg" "$pg_url" "$port_quarry_pg"
start quarry-rule "$port_quarry_rule" quarry_serve "$work/quarry-rule" "$pg_url" "$port_quarry_rule"
start floor-pg "$port_floor_pg" "$bin/floor" -addr "127.0.0.1:$port_floor_pg" -engine postgres -dsn "$pg_url" -pool 16
if [[ -z $no_my ]]; then
	start quarry-mariadb "$port_quarry_my" quarry_serve "$work/quarry-mariadb" "$my_url" "$port_quarry_my"
	start floor-mariadb "$port_floor_my" "$bin/floor" -addr "127.0.0.1:$port_floor_my" -engine mysql -dsn "$my_dsn" -pool 16
fi
if [[ -z $no_pg ]]; then
	start postgraphile5 "$port_pg5" bench/peers/postgraphile/start.sh 5 "$port_pg5" "$pg_url"
	start postgraphile4 "$port_pg4" bench/peers/postgraphile/start.sh 4 "$port_pg4" "$pg_url"
fi

# --- measure ----------------------------------------------------------------
args=(
	-quarry-pg "http://127.0.0.1:$port_quarry_pg"
	-quarry-rule "http://127.0.0.1:$port_quarry_rule"
	-floor-pg "http://127.0.0.1:$port_floor_pg"
	-api-key "$api_key" -issuer "$issuer" -issuer-key "$work/issuer.jwk"
	-pg-dsn "$pg_url"
	-d "$duration" -warmup "$warmup" -rounds "$rounds" -c "$concurrency" -workloads "$workloads"
	-out "$out"
)
if [[ -z $no_my ]]; then
	args+=(-quarry-mariadb "http://127.0.0.1:$port_quarry_my" -floor-mariadb "http://127.0.0.1:$port_floor_my" -mariadb-dsn "$my_dsn")
else
	args+=(-mariadb-dsn "")
fi
[[ -n $no_pg ]] || args+=(-postgraphile5 "http://127.0.0.1:$port_pg5" -postgraphile4 "http://127.0.0.1:$port_pg4")
[[ -n $no_pgbench ]] || args+=(-pgbench "$pg_url")

mkdir -p "$out"
"$bin/load" run "${args[@]}" "${versions[@]}"
