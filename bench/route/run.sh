#!/bin/sh
# SPDX-License-Identifier: MIT
# The routing benchmark: load the full ip-location-db ASN tables and look up
# a million random IPv4 addresses with kizuki (bench_route), then the same
# addresses with the peer (Python's ipaddress + bisect on the same ranges,
# and python3-maxminddb for countries when installed), and check that both
# found the same ASNs. Also times mmdblookup (one process per address) on
# the first 1,000 addresses when it is installed.
#
#   bench/route/run.sh BUILD_DIR
#
# Environment: N (1000000), DATA (a directory under /tmp; the data are
# fetched there with scripts/fetch-data when missing).
set -eu

BUILD=${1:?usage: run.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SRC/../.." && pwd)
N=${N:-1000000}
DATA=${DATA:-${BENCH_DIR:-/tmp/kizuki-bench}/route}
PY=/usr/bin/python3
mkdir -p "$DATA"

[ -s "$DATA/asn-ipv4.csv" ] || "$ROOT/scripts/fetch-data" "$DATA"
[ -x "$BUILD/bench/bench_route" ] || ninja -C "$BUILD" bench/bench_route

echo "load: $(uptime)"
"$BUILD/bench/bench_route" --v4 "$DATA/asn-ipv4.csv" \
	--v6 "$DATA/asn-ipv6.csv" --mmdb "$DATA/geo-whois-asn-country.mmdb" \
	--n "$N" --write-ips "$DATA/ips.txt" | tee "$DATA/kizuki.out"

mmdb=
$PY -c 'import maxminddb' 2>/dev/null &&
	mmdb="$DATA/geo-whois-asn-country.mmdb"
$PY "$SRC/peer_bisect.py" "$DATA/asn-ipv4.csv" "$DATA/ips.txt" $mmdb |
	tee "$DATA/peer.out"

if command -v mmdblookup >/dev/null 2>&1; then
	head -n 1000 "$DATA/ips.txt" > "$DATA/ips1000.txt"
	t0=$(date +%s.%N)
	while read -r ip; do
		mmdblookup -f "$DATA/geo-whois-asn-country.mmdb" -i "$ip" \
			country_code >/dev/null 2>&1 || true
	done < "$DATA/ips1000.txt"
	t1=$(date +%s.%N)
	echo "mmdblookup_per_s	$(echo "1000 / ($t1 - $t0)" | bc -l |
		cut -c1-8)"
fi

k=$(awk -F'\t' '$1 == "v4_lookups_per_s" { print $2 }' "$DATA/kizuki.out")
p=$(awk -F'\t' '$1 == "peer_v4_lookups_per_s" { print $2 }' "$DATA/peer.out")
ks=$(awk -F'\t' '$1 == "v4_asn_sum" { print $2 }' "$DATA/kizuki.out")
ps=$(awk -F'\t' '$1 == "peer_v4_asn_sum" { print $2 }' "$DATA/peer.out")
echo "ratio	$(echo "$k / $p" | bc -l | cut -c1-6)x"
if [ "$ks" = "$ps" ]; then
	echo "answers	same ASN sum ($ks)"
else
	echo "answers	DIFFER: kizuki $ks, peer $ps"
	exit 1
fi
