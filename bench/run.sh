#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every benchmark in bench/ against its peer and prints the figures
# that bench/README.md records. Usage: bench/run.sh BUILD [NAME...]
# (NAME: incidents, extract, sweep, server, ...; default all). Generated
# inputs go to $BENCH_DIR (default /tmp/kizuki-bench), never the repo.
set -eu
build=${1:-build}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
names=${*:-$(cd "$here" && for d in */; do
	[ -x "$d/run.sh" ] && printf '%s ' "${d%/}"; done)}
export BENCH_DIR=${BENCH_DIR:-/tmp/kizuki-bench}
mkdir -p "$BENCH_DIR"
for n in $names; do
	echo "== $n"
	"$here/$n/run.sh" "$build"
	echo
done
