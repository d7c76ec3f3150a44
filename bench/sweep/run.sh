#!/bin/sh
# SPDX-License-Identifier: MIT
# The sweep benchmark: kizuki's engine, grep -F -f, rg -F -f and a
# Hyperscan literal program on the same generated proxy log and indicator
# list. Reports load time, throughput, peak RSS and false hits / misses
# against the exact set of hit lines the generator computed.
#
#   bench/sweep/run.sh BUILD_DIR
#
# Environment: SIZE_MB (1024), NIOC (1000000), PREFIX_MB (20: grep and rg
# read only this prefix of the log, they are too slow for the whole of it
# with a million patterns), DATA (a directory under /tmp).
# Needs: cc, pkg-config, grep, rg (ripgrep), libhyperscan-dev, /usr/bin/time.
set -eu

BUILD=${1:?usage: run.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
SIZE_MB=${SIZE_MB:-1024}
NIOC=${NIOC:-1000000}
PREFIX_MB=${PREFIX_MB:-20}
DATA=${DATA:-/tmp/kz-sweep-bench}
BIN=$DATA/bin
mkdir -p "$DATA" "$BIN"

LIBS=$(pkg-config --libs jansson libpsl libidn2 zlib libzstd)
cc -O2 -o "$BIN/gen_sweep" "$SRC/gen_sweep.c"
cc -O2 -I"$ROOT/src/lib" -o "$BIN/bench_sweep" "$SRC/bench_sweep.c" \
	"$BUILD/libkizuki.a" $LIBS -lpthread -lm
cc -O2 -o "$BIN/hs_sweep" "$SRC/hs_sweep.c" $(pkg-config --cflags --libs libhs)

if [ ! -s "$DATA/proxy.log" ] || [ ! -s "$DATA/truth.txt" ]; then
	"$BIN/gen_sweep" "$DATA" "$SIZE_MB" "$NIOC"
fi
cd "$DATA"
head -c $((PREFIX_MB * 1048576)) proxy.log | sed '$d' > prefix.log
PREFIX_LINES=$(wc -l < prefix.log)
awk -v n="$PREFIX_LINES" '$1 <= n' truth.txt > truth-prefix.txt
LOG_BYTES=$(wc -c < proxy.log)
PREFIX_BYTES=$(wc -c < prefix.log)

# run NAME TRUTH BYTES OUTFILE -- command...: time it, then compare lines.
run() {
	name=$1 truth=$2 bytes=$3 out=$4
	shift 5
	/usr/bin/time -v -o "$DATA/$name.time" "$@" > "$DATA/$name.stdout" 2>&1 || true
	rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$DATA/$name.time")
	wall=$(awk -F': ' '/Elapsed/ {print $2}' "$DATA/$name.time" |
		awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
	LC_ALL=C sort -u "$out" > "$out.sorted" # comm wants this order
	reported=$(wc -l < "$out.sorted")
	false=$(comm -23 "$out.sorted" "$truth" | wc -l)
	missed=$(comm -13 "$out.sorted" "$truth" | wc -l)
	mbps=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", b / 1e6 / w }')
	printf '| %s | %s MB | %s s | %s MB/s | %s MiB | %s | %s | %s |\n' \
		"$name" "$((bytes / 1000000))" "$wall" "$mbps" "$((rss / 1024))" \
		"$reported" "$false" "$missed"
}

LC_ALL=C sort -u truth.txt > truth.sorted
LC_ALL=C sort -u truth-prefix.txt > truth-prefix.sorted
echo "machine: $(nproc) cores, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "log: $LOG_BYTES bytes, $(wc -l < proxy.log) lines; indicators: $NIOC; prefix for grep/rg: $PREFIX_BYTES bytes"
echo
echo '| tool | input | wall time | throughput | peak RSS | lines reported | false hits | missed hits |'
echo '| --- | --- | --- | --- | --- | --- | --- | --- |'
run kizuki-1t truth.sorted "$LOG_BYTES" k1.txt -- "$BIN/bench_sweep" iocs.txt proxy.log 1 k1.txt
run kizuki-2t truth.sorted "$LOG_BYTES" k2.txt -- "$BIN/bench_sweep" iocs.txt proxy.log 2 k2.txt
run hyperscan truth.sorted "$LOG_BYTES" hs.txt -- "$BIN/hs_sweep" patterns.txt proxy.log hs.txt
run grep-prefix truth-prefix.sorted "$PREFIX_BYTES" grep.txt -- sh -c 'LC_ALL=C grep -n -F -f patterns.txt prefix.log | cut -d: -f1 > grep.txt'
run rg-prefix truth-prefix.sorted "$PREFIX_BYTES" rg.txt -- sh -c 'rg -n --no-heading -F -f patterns.txt prefix.log | cut -d: -f1 > rg.txt'
echo
echo "kizuki (1 thread):"; cat kizuki-1t.stdout
echo "kizuki (2 threads):"; cat kizuki-2t.stdout
echo "hyperscan:"; cat hyperscan.stdout
