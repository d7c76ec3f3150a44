#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP server benchmark: `kizuki serve` on loopback with SQLite, driven by
# wrk at 64 connections: GET one incident, GET a filtered list, POST a
# report (durable: synchronous=FULL), with the answer cache off and on.
# Prints req/s, latency percentiles and the server's resident memory. Usage: bench/server/run.sh BUILD
# [COUNT] (COUNT incidents preloaded, default 100000; DURATION seconds
# per run from $DURATION, default 20; threads from $THREADS, default 2).
set -eu
build=$1
count=${2:-100000}
dur=${DURATION:-20}
threads=${THREADS:-2}
work=${BENCH_DIR:-/tmp/kizuki-bench}/server
mkdir -p "$work"
kz="$(cd "$(dirname "$build/src/cli/kizuki")" && pwd)/kizuki"
here=$(cd "$(dirname "$0")" && pwd)
db="$work/bench.db"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
if [ ! -f "$work/incidents-$count.jsonl" ]; then
	python3 "$here/../incidents/gen.py" "$count" > "$work/incidents-$count.jsonl"
fi
rm -f "$db" "$db-wal" "$db-shm"
"$kz" --db "$db" init >/dev/null
"$kz" --db "$db" incident import "$work/incidents-$count.jsonl" >/dev/null
"$kz" --db "$db" user add bench --role handler --password-stdin \
    >/dev/null <<PW
bench password not secret
PW
token=$("$kz" --db "$db" user token bench wrk)
ticket=$("$kz" --db "$db" --json incident list --limit 1 --offset 123 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["incidents"][0]["ticket"])')

start() {
	"$kz" --db "$db" serve --listen 127.0.0.1:0 --threads "$threads" \
	    --access-log off --sync full --cache "$1" 2> "$work/serve.log" &
	pid=$!
	i=0
	until port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
	    "$work/serve.log") && [ -n "$port" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { cat "$work/serve.log"; exit 1; }
		sleep 0.05
	done
	url="http://127.0.0.1:$port"
}
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
trap stop EXIT INT TERM
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' /proc/$pid/status; echo; }

run() {
	name=$1
	shift
	echo "-- $name"
	wrk -t2 -c64 -d"${dur}s" --latency -H "Authorization: Bearer $token" \
	    "$@" | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors'
	printf 'server memory: '
	rss
}


echo "kizuki serve, $threads threads, $count incidents, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for cache in off on; do
	start "$cache"
	list="$url/api/v1/incidents?status=new,triaged,coordinating,waiting&category=phishing&limit=20"
	echo "== answer cache $cache"
	printf 'server memory at start: '
	rss
	run "GET one incident" "$url/api/v1/incidents/$ticket"
	run "GET filtered list (20 open phishing incidents)" "$list"
	run "GET list, no filter (first 50)" "$url/api/v1/incidents"
	if [ "$cache" = on ]; then
		run "POST report (intake, durable)" -s "$here/post_report.lua" \
		    "$url/api/v1/reports"
	fi
	stop
done
"$kz" --db "$db" --json incident list --limit 1 |
    python3 -c 'import json,sys; print("incidents after the run:", json.load(sys.stdin)["total"])'
