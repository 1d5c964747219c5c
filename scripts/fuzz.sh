#!/usr/bin/env bash
# Runs every Go fuzz target in the tree for a while each:
#
#   scripts/fuzz.sh            # 5s per target (a smoke run)
#   scripts/fuzz.sh 10m        # a long run
#   scripts/fuzz.sh 1m Serve   # only targets whose name matches the regexp
#
# Targets are found by looking for `func FuzzX(` in *_test.go files, so a
# new target runs without editing this script. Go fuzzes one target per
# `go test` invocation, hence one run per target. The first crash stops the
# run and prints where Go wrote the failing input (the package's
# testdata/fuzz/FuzzX/<hash>): keep it there as a regression seed once
# the bug is fixed. QUARRY_FUZZ_PARALLEL sets the workers per target
# (default 1, to leave the machine usable).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-5s}
filter=${2:-.}
parallel=${QUARRY_FUZZ_PARALLEL:-1}

# "dir name" per target, in a stable order.
targets=$(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*\(' . |
  sed -E 's#^\./(.*)/[^/]*:func (Fuzz[A-Za-z0-9_]*)\($#\1 \2#' | sort -u)
if [ -z "$targets" ]; then
  echo "no fuzz targets found" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
n=0
while read -r dir name; do
  [[ $name =~ $filter ]] || continue
  n=$((n + 1))
  printf '\n== %s (./%s) for %s\n' "$name" "$dir" "$duration"
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$duration" -parallel "$parallel" "./$dir" 2>&1 | tee "$log"; then
    # Go 1.26's fuzz coordinator can report the end of -fuzztime itself as
    # a failure, "context deadline exceeded" with no input written, when
    # the machine is busy (go.dev/issue/75804, fixed in Go 1.27). That is
    # not a finding: replay the corpus to be sure, and go on.
    if grep -q 'context deadline exceeded' "$log" && ! grep -qE 'testdata/fuzz/[^ ]+/[0-9a-f]+' "$log" &&
      go test -run "^${name}\$" "./$dir" >/dev/null 2>&1; then
      echo "(Go's fuzzing deadline race, go.dev/issue/75804: no failing input; the corpus replays clean)"
      continue
    fi
    echo >&2
    echo "FAIL: $name in ./$dir" >&2
    # go test prints the path relative to the package directory.
    crasher=$(grep -oE 'testdata/fuzz/[^ ]+/[0-9a-f]+' "$log" | tail -n 1 || true)
    if [ -n "$crasher" ]; then
      echo "failing input: $dir/$crasher" >&2
      echo "reproduce:     go test -run '^${name}/$(basename "$crasher")\$' ./$dir" >&2
    fi
    exit 1
  fi
done <<<"$targets"
if [ "$n" = 0 ]; then
  echo "no fuzz target matches $filter" >&2
  exit 1
fi
printf '\n== %d fuzz targets passed (%s each)\n' "$n" "$duration"
