#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when a test or harness file on disk is not listed where the build
picks it up, so no test silently stops running."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def listed(path):
    with open(path, encoding='utf-8') as f:
        return {l.strip() for l in f if l.strip() and not l.startswith('#')}


def main():
    bad = []
    units = listed(os.path.join(ROOT, 'tests', 'unit', 'tests.list'))
    for f in os.listdir(os.path.join(ROOT, 'tests', 'unit')):
        if f.startswith('test_') and f.endswith('.c') and f[:-2] not in units:
            bad.append('tests/unit/%s is not in tests/unit/tests.list' % f)
    for n in units:
        if not os.path.exists(os.path.join(ROOT, 'tests', 'unit', n + '.c')):
            bad.append('tests.list names %s, which has no .c file' % n)
    harn = listed(os.path.join(ROOT, 'fuzz', 'harnesses.list'))
    for f in os.listdir(os.path.join(ROOT, 'fuzz')):
        if f.startswith('fuzz_') and f.endswith('.c') and f[:-2] not in harn:
            bad.append('fuzz/%s is not in fuzz/harnesses.list' % f)
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
