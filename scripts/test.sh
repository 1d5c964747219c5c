#!/usr/bin/env bash
# Runs every Quarry test on a fresh Debian machine: installs and starts
# PostgreSQL, MariaDB and NATS (with JetStream) when they are not already
# reachable, and Chromium when it is missing, installs the
# Node packages the tests use, then runs gofmt, go vet, staticcheck,
# go test -race ./... (the fault tests in internal/faulttest start their own
# database servers) and every fuzz target for a few seconds. Set QUARRY_TEST_POSTGRES_URL / QUARRY_TEST_MYSQL_URL
# to use other servers (then nothing is installed or started). Before changing
# the machine it lists the changes and asks (y/N); CI=true or QUARRY_TEST_YES=1
# allow them without asking, and without a terminal it refuses instead.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
wait_for() { # port, name
  for _ in $(seq 1 60); do reachable "$1" && return 0; sleep 1; done
  echo "$2 did not start on 127.0.0.1:$1" >&2; exit 1
}

command -v go >/dev/null || { echo "Go is not installed: install Go 1.26 or newer (https://go.dev/doc/install)" >&2; exit 1; }

# Every change to the machine below is listed first and asked for (outside
# CI, unless QUARRY_TEST_YES=1); when the services are already reachable
# and the tools installed, nothing is changed and nothing asked.
changes=()
if [ -z "${QUARRY_TEST_POSTGRES_URL:-}" ] && ! reachable 5432; then
  command -v pg_ctlcluster >/dev/null || changes+=("apt-get install postgresql")
  changes+=("PostgreSQL: add 'host all all 127.0.0.1/32 trust' and 'host all all ::1/128 trust' at the top of pg_hba.conf (any local user connects over TCP without a password), create cluster main if there is none, start it")
fi
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || changes+=("apt-get install pgbouncer")
if [ -z "${QUARRY_TEST_MYSQL_URL:-}" ] && ! reachable 3306; then
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || changes+=("apt-get install mariadb-server")
  changes+=("MariaDB: start mariadbd, and empty the password of root@localhost (ALTER USER 'root'@'localhost' ... PASSWORD(''), so root connects over TCP without one)")
fi
if [ -z "${QUARRY_TEST_NATS:-}" ] && ! reachable 4222; then
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || changes+=("apt-get install nats-server")
  changes+=("NATS: start nats-server on 127.0.0.1:4222 with JetStream, storing in /var/lib/nats-server")
fi
command -v chromium >/dev/null || changes+=("apt-get install chromium")
{ command -v node >/dev/null && command -v npm >/dev/null; } || changes+=("apt-get install nodejs npm")
if [ ${#changes[@]} -gt 0 ] && [ "${CI:-}" != true ] && [ "${QUARRY_TEST_YES:-}" != 1 ]; then
  echo "To run the tests, scripts/test.sh would change this machine$([ "$(id -u)" = 0 ] || echo ' (with sudo)'):" >&2
  printf '  - %s\n' "${changes[@]}" >&2
  own="or point QUARRY_TEST_POSTGRES_URL and QUARRY_TEST_MYSQL_URL at servers of your own (and run NATS with -js on 127.0.0.1:4222)"
  if [ ! -t 0 ]; then
    echo "Not asking, as standard input is not a terminal: nothing was changed. Run again with QUARRY_TEST_YES=1 (CI=true does the same) to allow these changes, $own." >&2
    exit 1
  fi
  read -r -p "Make these changes? [y/N] " answer
  case "$answer" in
    y | Y | yes | Yes | YES) ;;
    *) echo "Nothing was changed. To run the tests, allow the changes (QUARRY_TEST_YES=1 skips this question), $own." >&2; exit 1 ;;
  esac
fi

if [ -z "${QUARRY_TEST_POSTGRES_URL:-}" ] && ! reachable 5432; then
  log "starting PostgreSQL"
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -z "$ver" ]; then as_root pg_createcluster 15 main; ver=$(ls /etc/postgresql | sort -V | tail -n 1); fi
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  # Tests connect as postgres over TCP without a password, as on the dev machines.
  if ! as_root grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  wait_for 5432 PostgreSQL
fi
# The PgBouncer test (internal/connect) starts its own pgbouncer in
# transaction mode; Debian puts the binary in /usr/sbin.
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || { log "installing PgBouncer"; apt_install pgbouncer; }

if [ -z "${QUARRY_TEST_MYSQL_URL:-}" ] && ! reachable 3306; then
  log "starting MariaDB"
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for 3306 MariaDB
  # Tests connect as root over TCP with an empty password, as on the dev machines.
  as_root mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" || true
fi

# Subscriptions across instances go through NATS (internal/pubsub and the
# two-instance test in internal/cli).
if [ -z "${QUARRY_TEST_NATS:-}" ] && ! reachable 4222; then
  log "starting NATS"
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  # JetStream (-js) keeps change events while an instance is cut off (internal/pubsub).
  as_root mkdir -p /var/lib/nats-server
  as_root start-stop-daemon --start --oknodo --background --exec "$bin" -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
  wait_for 4222 NATS
fi

# The browser test (internal/cli/browser_test.go) drives Debian's Chromium.
command -v chromium >/dev/null || { log "installing Chromium"; apt_install chromium; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  log "installing Node.js"
  apt_install nodejs npm
fi
log "installing Node packages (tests/node)"
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

log "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './tests/node/*'))
if [ -n "$unformatted" ]; then echo "not gofmt-formatted:"; echo "$unformatted"; exit 1; fi

log "go vet"
go vet ./...

log "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

log "go test -race ./..."
CI="${CI:-}" go test -race -count=1 ./...

# Every fuzz target for a few seconds (scripts/fuzz.sh 10m for a long run).
log "fuzz (3s per target)"
./scripts/fuzz.sh 3s
