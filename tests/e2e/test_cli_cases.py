# SPDX-License-Identifier: MIT
"""Data-driven command-line cases: each file in tests/data/cli is one case
(setup commands, the command, the expected output and exit code), so a new
case needs no code. Tags:
  <setup>ARGS</setup>         run first (repeatable), must succeed
  <args>ARGS</args>           the command under test (shell quoting)
  <env>NAME=VALUE</env>       extra environment (repeatable)
  <stdin>TEXT</stdin>         standard input
  <stdout>TEXT</stdout>       exact standard output (surrounding space ignored)
  <contains>TEXT</contains>   text the standard output contains (repeatable)
  <stderr>TEXT</stderr>       exact standard error (surrounding space ignored)
  <exit>N</exit>              exit code (default 0)
"""
import os
import re

import pytest

from conftest import DATA

CASES = os.path.join(DATA, 'cli')
TAG = re.compile(r'<(setup|args|env|stdin|stdout|contains|stderr|exit)>'
                 r'(.*?)</\1>', re.S)


def load(path):
    case = {'setup': [], 'env': [], 'contains': []}
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for tag, body in TAG.findall(text):
        if tag in ('setup', 'env', 'contains'):
            case[tag].append(body)
        else:
            case[tag] = body
    return case


@pytest.mark.parametrize('name', sorted(os.listdir(CASES)))
def test_case(kz, name):
    case = load(os.path.join(CASES, name))
    assert 'args' in case, '%s has no <args>' % name
    env = dict(e.split('=', 1) for e in case['env'])
    env.setdefault('KIZUKI_NOW', '2026-07-15T03:00:00Z')
    for s in case['setup']:
        kz.ok(s, env=env)
    r = kz.run(case['args'], stdin=case.get('stdin'), env=env)
    assert r.code == int(case.get('exit', '0')), r
    if 'stdout' in case:
        assert r.out.strip() == case['stdout'].strip(), r
    for c in case['contains']:
        assert c in r.out, r
    if 'stderr' in case:
        assert r.err.strip() == case['stderr'].strip(), r
