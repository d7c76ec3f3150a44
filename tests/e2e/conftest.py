# SPDX-License-Identifier: MIT
"""Fixtures for the end-to-end tests: the real kizuki binary, a fresh
database file per test, and a helper to run commands."""
import json
import os
import shlex
import subprocess

import pytest

BIN = os.environ.get('KIZUKI_BIN') or os.path.join(
    os.path.dirname(__file__), '..', '..', 'build', 'src', 'cli', 'kizuki')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DATA = os.path.join(ROOT, 'tests', 'data')


class Result:
    def __init__(self, p):
        self.code = p.returncode
        self.out = p.stdout
        self.err = p.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return 'exit %d\nstdout:\n%s\nstderr:\n%s' % (self.code, self.out,
                                                      self.err)


class Kizuki:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.db = str(tmp_path / 'kizuki.db')
        self.env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'KIZUKI_DB': self.db,
            'KIZUKI_USER': 'tester',
            'LANG': 'C.UTF-8',
            'HOME': str(tmp_path),
        }

    def run(self, *args, stdin=None, env=None, timeout=120):
        if len(args) == 1 and isinstance(args[0], str):
            args = shlex.split(args[0])
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run([BIN] + list(args), input=stdin, env=e,
                           capture_output=True, timeout=timeout,
                           text=not isinstance(stdin, bytes))
        if isinstance(p.stdout, bytes):
            p.stdout = p.stdout.decode('utf-8', 'replace')
            p.stderr = p.stderr.decode('utf-8', 'replace')
        return Result(p)

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        assert r.code == 0, r
        return r

    def new(self, title='t', category='phishing', *extra):
        r = self.ok('incident', 'new', '--title', title, '--category',
                    category, *extra)
        return r.out.strip()


@pytest.fixture
def kz(tmp_path):
    return Kizuki(tmp_path)
