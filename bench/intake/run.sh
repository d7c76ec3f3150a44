#!/bin/sh
# SPDX-License-Identifier: MIT
# Mail intake into SQLite: COUNT generated report mails in one mbox, taken
# in by `kizuki report add --mbox` (parse, extract, classify, correlate,
# store; one transaction per mail). Usage: bench/intake/run.sh BUILD [COUNT]
set -eu
build=$1
count=${2:-20000}
work=${BENCH_DIR:-/tmp/kizuki-bench}/intake
mkdir -p "$work"
here=$(dirname "$0")
kz="$build/src/cli/kizuki"
[ -f "$work/mails-$count.mbox" ] ||
	python3 "$here/gen.py" "$count" > "$work/mails-$count.mbox"
rm -f "$work/intake.db" "$work/intake.db-wal" "$work/intake.db-shm"
"$kz" --db "$work/intake.db" init >/dev/null
start=$(date +%s.%N)
"$kz" --db "$work/intake.db" report add --mbox "$work/mails-$count.mbox"
end=$(date +%s.%N)
python3 -c "import sys; s, e, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print('mail intake: %d mails in %.1f s = %.0f mails/s' % (n, e - s, n / (e - s)))" "$start" "$end" "$count"
