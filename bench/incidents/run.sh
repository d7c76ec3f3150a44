#!/bin/sh
# SPDX-License-Identifier: MIT
# Incident store benchmark: imports COUNT incidents with timelines into a
# fresh SQLite file through the real command line, then times show, list,
# search and stats in-process. Usage: bench/incidents/run.sh BUILD [COUNT]
set -eu
build=$1
count=${2:-1000000}
work=${BENCH_DIR:-/tmp/kizuki-bench}/incidents
mkdir -p "$work"
kz="$build/src/cli/kizuki"
db="$work/bench.db"
here=$(dirname "$0")

if [ ! -f "$work/incidents-$count.jsonl" ]; then
	echo "generating $count incidents ..."
	python3 "$here/gen.py" "$count" > "$work/incidents-$count.jsonl"
fi
"$build/bench/bench_incidents" x "$count" --insert "$work/insert.db"
rm -f "$db" "$db-wal" "$db-shm"
"$kz" --db "$db" init >/dev/null
start=$(date +%s.%N)
"$kz" --db "$db" incident import "$work/incidents-$count.jsonl"
end=$(date +%s.%N)
python3 - "$start" "$end" "$count" <<'PY'
import sys
s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print('kizuki incident import (JSON lines, whole process): %d incidents '
      '(3 timeline events each) in %.1f s = %.0f incidents/s' % (
          n, e - s, n / (e - s)))
PY
ls -l "$db" | awk '{printf "database size: %.0f MiB\n", $5/1048576}'
"$build/bench/bench_incidents" "$db" "$count"
start=$(date +%s.%N)
"$kz" --db "$db" stats --period 2026 --json >/dev/null
end=$(date +%s.%N)
python3 -c "import sys; print('kizuki stats --period 2026 (whole process): %.0f ms' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$start" "$end"
start=$(date +%s.%N)
"$kz" --db "$db" incident show KZ-2026-000123 --json >/dev/null
end=$(date +%s.%N)
python3 -c "import sys; print('kizuki incident show (whole process): %.1f ms' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$start" "$end"
