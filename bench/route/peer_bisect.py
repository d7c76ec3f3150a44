#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The routing benchmark's peer: the same ASN ranges loaded with Python's
csv and ipaddress modules into sorted lists, each address looked up with
bisect; optionally the same addresses' countries with python3-maxminddb.
Prints load time, lookups per second of CPU time and the sum of the ASNs
found, which must equal bench_route's.

    peer_bisect.py asn-ipv4.csv ips.txt [country.mmdb]
"""
import bisect
import csv
import ipaddress
import sys
import time


def main():
    table, ipfile = sys.argv[1], sys.argv[2]
    mmdb = sys.argv[3] if len(sys.argv) > 3 else None
    t0 = time.perf_counter()
    starts, ends, asns = [], [], []
    with open(table, encoding='utf-8', newline='') as f:
        for row in csv.reader(f):
            starts.append(int(ipaddress.IPv4Address(row[0])))
            ends.append(int(ipaddress.IPv4Address(row[1])))
            asns.append(int(row[2]))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    starts = [starts[i] for i in order]
    ends = [ends[i] for i in order]
    asns = [asns[i] for i in order]
    print('peer_load_wall_s\t%.3f' % (time.perf_counter() - t0))
    with open(ipfile) as f:
        texts = f.read().split()
    ips = [int(ipaddress.IPv4Address(s)) for s in texts]
    c0 = time.process_time()
    total = found = 0
    br = bisect.bisect_right
    for a in ips:
        i = br(starts, a) - 1
        if i >= 0 and ends[i] >= a:
            total += asns[i]
            found += 1
    d = time.process_time() - c0
    print('peer_v4_lookups_per_s\t%.0f' % (len(ips) / d))
    print('peer_v4_found\t%d of %d' % (found, len(ips)))
    print('peer_v4_asn_sum\t%d' % total)
    if mmdb:
        import maxminddb
        r = maxminddb.open_database(mmdb, maxminddb.MODE_MMAP_EXT)
        c0 = time.process_time()
        got = 0
        for s in texts:
            v = r.get(s)
            if v and v.get('country_code'):
                got += 1
        d = time.process_time() - c0
        print('peer_country_lookups_per_s\t%.0f' % (len(texts) / d))
        print('peer_country_found\t%d of %d' % (got, len(texts)))


if __name__ == '__main__':
    main()
