#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates N incidents as JSON lines for `kizuki incident import`, with
the category shares JPCERT/CC reports (scan 49.9%, defacement 21.9%, ...),
statuses along the handling flow, times over two years and a short
timeline each. Deterministic for a given seed."""
import json
import random
import sys

CATS = [('scan', 49.9), ('defacement', 21.9), ('phishing', 14.0),
        ('malware_site', 3.3), ('dos', 1.2), ('targeted', 0.9),
        ('control_system', 0.2), ('other', 8.6)]
STATUSES = [('closed', 70), ('resolved', 8), ('waiting', 7),
            ('coordinating', 6), ('triaged', 5), ('new', 3), ('rejected', 1)]
TITLES = {
    'scan': ['Port scan from {ip}', '{ip} からのポートスキャン'],
    'defacement': ['Web defacement of {host}', '{host} の改ざん'],
    'phishing': ['Phishing site imitating {host}',
                 '{host} を装うフィッシングサイト'],
    'malware_site': ['Malware distributed from {host}',
                     '{host} からのマルウェア配布'],
    'dos': ['DDoS against {host}', '{host} への DDoS 攻撃'],
    'targeted': ['Targeted mail to {host}', '{host} への標的型メール'],
    'control_system': ['Exposed control system at {ip}',
                       '{ip} の制御システムが公開状態'],
    'other': ['Report about {host}', '{host} に関する報告'],
}
HANDLERS = ['sato', 'suzuki', 'takahashi', 'tanaka', 'watanabe', None]


def pick(rng, table):
    r = rng.uniform(0, sum(w for _, w in table))
    for v, w in table:
        r -= w
        if r <= 0:
            return v
    return table[-1][0]


def iso(t):
    import time
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
    start = 1735689600  # 2025-01-01
    span = 2 * 365 * 86400
    out = sys.stdout
    for i in range(n):
        cat = pick(rng, CATS)
        st = pick(rng, STATUSES)
        created = start + (span * i) // n + rng.randrange(3600)
        ip = '%d.%d.%d.%d' % (rng.randrange(1, 224), rng.randrange(256),
                              rng.randrange(256), rng.randrange(1, 255))
        host = 'www%d.example%d.jp' % (rng.randrange(100), rng.randrange(5000))
        title = rng.choice(TITLES[cat]).format(ip=ip, host=host)
        o = {'title': title, 'category': cat, 'status': st,
             'priority': rng.choice([1, 2, 3, 3, 3, 4, 5]),
             'tlp': rng.choice(['green', 'amber', 'amber', 'red']),
             'created_at': iso(created),
             'coordinated': st in ('coordinating', 'waiting', 'resolved',
                                   'closed') and rng.random() < 0.8}
        h = rng.choice(HANDLERS)
        if h:
            o['assignee'] = h
        if st in ('closed', 'rejected'):
            o['closed_at'] = iso(created + rng.randrange(600, 30 * 86400))
        o['timeline'] = [{'at': iso(created + 60), 'kind': 'note',
                          'text': '受付しました / acknowledged'},
                         {'at': iso(created + 3600), 'kind': 'note',
                          'text': 'contacted the hosting provider'}]
        out.write(json.dumps(o, ensure_ascii=False))
        out.write('\n')


if __name__ == '__main__':
    main()
