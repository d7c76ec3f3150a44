#!/bin/sh
# SPDX-License-Identifier: MIT
# Peer comparison for the server benchmark: Debian's Request Tracker 5
# (REST2 API, SQLite, Starlet prefork server) against `kizuki serve`, one
# after the other, on the same incidents, with the same wrk load: GET one
# ticket, GET a filtered list of 20, POST a new ticket/report.
#
# Usage: bench/server/rt/run.sh BUILD [COUNT]
#   COUNT incidents from bench/incidents/gen.py (default 100000), loaded
#   into both. DURATION seconds per run (default 15), THREADS kizuki
#   server threads (default 2), RT_WORKERS Starlet workers (default 4),
#   RT_DIR working directory for RT's configuration and database (default
#   $BENCH_DIR/rt, BENCH_DIR defaulting to /tmp/kizuki-bench), RT_JOURNAL
#   SQLite journal mode of RT's database (default wal; delete is RT's).
# Installs request-tracker5 and its SQLite and standalone-server packages
# with apt-get when they are missing (needs root).
set -eu
build=$1
count=${2:-100000}
dur=${DURATION:-15}
threads=${THREADS:-2}
workers=${RT_WORKERS:-4}
base=${BENCH_DIR:-/tmp/kizuki-bench}
rtdir=${RT_DIR:-$base/rt}
here=$(cd "$(dirname "$0")" && pwd)
kz="$(cd "$(dirname "$build/src/cli/kizuki")" && pwd)/kizuki"
mkdir -p "$rtdir" "$base/server"
rtdir=$(cd "$rtdir" && pwd)
results="$rtdir/results.txt"

# -- packages
missing=""
for p in request-tracker5 rt5-db-sqlite rt5-standalone wrk sqlite3 curl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing$missing"
	# dbconfig-no-thanks: the database is made here, not by the package
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $missing dbconfig-no-thanks >/dev/null
fi

# -- RT configuration: everything under $rtdir; the system's
# /etc/request-tracker5 is not read (RT_SITE_CONFIG*, see RT::Config).
cat > "$rtdir/RT_SiteConfig.pm" <<EOF
Set(\$rtname, 'bench');
Set(\$Organization, 'csirt.example');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$rtdir/rt.db');
Set(\$WebPath, '');
Set(\$WebDomain, '127.0.0.1');
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, 'error');
Set(\$Timezone, 'UTC');
# autoreplies are built and recorded as usual, then written to a
# temporary file instead of being handed to a mail server
Set(\$MailCommand, 'testfile');
1;
EOF
mkdir -p "$rtdir/setup.d" "$rtdir/serve.d" "$rtdir/mason_data" \
    "$rtdir/session_data"
# The benchmark user's token is hashed at bcrypt cost 4; at RT's default
# cost (12) RT would rehash it on first use.
echo "Set(\$BcryptCost, 4); 1;" > "$rtdir/serve.d/50-bench.pm"
export RT_DIR="$rtdir" RT_SITE_CONFIG="$rtdir/RT_SiteConfig.pm"

# -- data: the same incidents for both
inc="$base/server/incidents-$count.jsonl"
[ -f "$inc" ] || python3 "$here/../../incidents/gen.py" "$count" > "$inc"
if [ ! -f "$rtdir/rt-$count.db" ] || [ ! -f "$rtdir/tokens-$count" ]; then
	echo "building the RT database ($count tickets)"
	rm -f "$rtdir/rt.db"
	RT_SITE_CONFIG_DIR="$rtdir/setup.d" /usr/sbin/rt-setup-database \
	    --action init --skip-create > "$rtdir/setup.log" 2>&1 ||
	    { cat "$rtdir/setup.log"; exit 1; }
	RT_SITE_CONFIG_DIR="$rtdir/setup.d" perl "$here/setup.pl" \
	    > "$rtdir/tokens-$count" 2>> "$rtdir/setup.log" ||
	    { cat "$rtdir/setup.log"; exit 1; }
	python3 "$here/load.py" "$rtdir/rt.db" "$inc"
	mv "$rtdir/rt.db" "$rtdir/rt-$count.db"
fi
rm -f "$rtdir/rt.db" "$rtdir/rt.db-journal" "$rtdir/rt.db-wal" \
    "$rtdir/rt.db-shm"
cp "$rtdir/rt-$count.db" "$rtdir/rt.db"
# RT leaves SQLite in its default rollback-journal mode, where every write
# (RT records each token use) locks readers out; kizuki runs in WAL mode.
# RT_JOURNAL=delete measures RT's default.
sqlite3 "$rtdir/rt.db" "PRAGMA journal_mode = ${RT_JOURNAL:-wal}" >/dev/null
rt_token=$(awk '$1 == 4 {print $2}' "$rtdir/tokens-$count")
rt_token_default=$(awk '$1 != 4 {print $2}' "$rtdir/tokens-$count")
rt_cost_default=$(awk '$1 != 4 {print $1}' "$rtdir/tokens-$count")

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# memory of a process and its children: summed VmRSS and Pss (the forked
# workers share most of their pages with the master; Pss counts each
# shared page once across them)
memory() {
	pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
	rss=0
	pss=0
	for p in $pids; do
		r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null ||
		    echo 0)
		rss=$((rss + ${r:-0}))
		pss=$((pss + ${s:-0}))
	done
	echo "$((rss / 1024)) $((pss / 1024)) $(echo "$pids" | wc -w)"
}

# CPU time (clock ticks) the server and its workers have used so far
cpu() {
	for p in $1 $(pgrep -P "$1"); do
		awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true
	done | awk '{s += $1} END {print s + 0}'
}
hz=$(getconf CLK_TCK)

# Wait until the server has answered what is queued: Starlet's workers
# still serve the connections a finished wrk run left in the listen queue,
# which would otherwise count against the next run.
drain() {
	curl -s -o /dev/null -m 300 -H "$auth" "$probe" || true
}

# run NAME SYSTEM URL [wrk args]: one wrk run, one line in $results
run() {
	name=$1
	sys=$2
	shift 2
	drain
	load=$(cut -d' ' -f1 /proc/loadavg)
	out="$rtdir/wrk-$sys-$name.txt"
	c0=$(cpu "$pid")
	wrk -t2 -c64 -d"${dur}s" --timeout 30s --latency "$@" > "$out"
	c1=$(cpu "$pid")
	mem=$(memory "$pid")
	awk -v sys="$sys" -v name="$name" -v load="$load" -v mem="$mem" \
	    -v cpu="$(( (c1 - c0) * 1000 / hz ))" -v dur="$dur" '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v
	}
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/requests in/ { n = $1 }
	/Requests\/sec/ { rps = $2 }
	/Non-2xx/ { bad += $NF }
	/Socket errors/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
	END {
		split(mem, m, " ")
		printf "%-6s %-14s %5s %10.1f %9.1f %9.1f %7d %7d %6d %6d %3d %5.2f %9.3f\n",
		    sys, name, load, rps, p50, p99, n, bad, m[1], m[2], m[3],
		    cpu / 1000 / dur, n ? cpu / n : 0
	}' "$out" | tee -a "$results"
}

# -- RT
port=$(free_port)
echo "RT 5 (REST2, SQLite in ${RT_JOURNAL:-wal} mode, Starlet $workers workers), $count tickets, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
RT_SITE_CONFIG_DIR="$rtdir/serve.d" plackup -s Starlet \
    --max-workers "$workers" --max-reqs-per-child 100000 -E deployment \
    --host 127.0.0.1 --port "$port" "$here/rt.psgi" > "$rtdir/server.log" 2>&1 &
pid=$!
stop() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
trap stop EXIT INT TERM
url="http://127.0.0.1:$port"
i=0
until curl -sf -o /dev/null -H "Authorization: token $rt_token" \
    "$url/REST/2.0/ticket/1"; do
	i=$((i + 1))
	[ $i -lt 300 ] || { cat "$rtdir/server.log"; exit 1; }
	sleep 0.2
done
rt_auth="Authorization: token $rt_token"
ticket=$((count - 123))
auth=$rt_auth
probe="$url/REST/2.0/ticket/$ticket"
# first requests in each worker load code and fill caches: warm up
wrk -t2 -c64 -d5s --timeout 30s -H "$rt_auth" "$url/REST/2.0/ticket/$ticket" \
    > /dev/null
: > "$results"
q="query=Queue%3D%27phishing%27%20AND%20Status%3D%27__Active__%27"
f="fields=Subject,Status,Queue,Owner,Priority,Created,LastUpdated,Resolved"
run get-one rt -H "$rt_auth" "$url/REST/2.0/ticket/$ticket"
run get-list rt -H "$rt_auth" \
    "$url/REST/2.0/tickets?$q&per_page=20&orderby=Created&order=DESC&$f"
run post rt -H "$rt_auth" -s "$here/post_ticket.lua" "$url/REST/2.0/ticket"
run "get-one-c$rt_cost_default" rt -H "Authorization: token $rt_token_default" \
    "$url/REST/2.0/ticket/$ticket"
stop
echo "RT tickets after the run: $(sqlite3 "$rtdir/rt.db" 'SELECT count(*) FROM Tickets')"

# -- kizuki, same incidents, answer cache off (RT has none)
db="$base/server/rt-peer.db"
rm -f "$db" "$db-wal" "$db-shm"
"$kz" --db "$db" init >/dev/null
"$kz" --db "$db" incident import "$inc" >/dev/null
"$kz" --db "$db" user add bench --role handler --password-stdin \
    >/dev/null <<PW
bench password not secret
PW
token=$("$kz" --db "$db" user token bench wrk)
kticket=$("$kz" --db "$db" --json incident list --limit 1 --offset 123 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["incidents"][0]["ticket"])')
echo "kizuki serve, $threads threads, $count incidents, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$kz" --db "$db" serve --listen 127.0.0.1:0 --threads "$threads" \
    --access-log off --sync full --cache off 2> "$rtdir/kizuki.log" &
pid=$!
i=0
until port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
    "$rtdir/kizuki.log") && [ -n "$port" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || { cat "$rtdir/kizuki.log"; exit 1; }
	sleep 0.05
done
url="http://127.0.0.1:$port"
kz_auth="Authorization: Bearer $token"
auth=$kz_auth
probe="$url/api/v1/incidents/$kticket"
wrk -t2 -c64 -d5s --timeout 30s -H "$kz_auth" \
    "$url/api/v1/incidents/$kticket" > /dev/null
run get-one kizuki -H "$kz_auth" "$url/api/v1/incidents/$kticket"
run get-list kizuki -H "$kz_auth" \
    "$url/api/v1/incidents?status=new,triaged,coordinating,waiting&category=phishing&limit=20"
run post kizuki -H "$kz_auth" -s "$here/../post_report.lua" \
    "$url/api/v1/reports"
stop
trap - EXIT INT TERM

echo
# cores: CPU the server used during the run, in cores; cpu/req: its CPU
# milliseconds per answered request (less sensitive to other work)
echo "system request        load      req/s   p50(ms)   p99(ms)    reqs  errors   RSS    PSS procs cores   cpu/req"
cat "$results"
echo
awk '{ r[$1 " " $2] = $4; c[$1 " " $2] = $13 }
END {
	n = split("get-one get-list post", k, " ")
	for (i = 1; i <= n; i++)
		if (r["rt " k[i]] > 0)
			printf "kizuki/RT %-9s req/s %6.0fx   CPU per request %6.0fx\n",
			    k[i], r["kizuki " k[i]] / r["rt " k[i]],
			    c["rt " k[i]] / c["kizuki " k[i]]
}' "$results"
