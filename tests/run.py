#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs every test kizuki has and prints one total line at the end:
unit tests (cmocka) in the normal and the sanitizer build, the fuzz corpus
replayed through every harness, the end-to-end tests (pytest) against the
real binary, the same on a PostgreSQL server started for the run (part
pg), and the checks on format, translations and test lists."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSED = re.compile(r'^\[  PASSED  \] (\d+) test', re.M)
FAILED = re.compile(r'^\[  FAILED  \] (\d+) test', re.M)


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def add(self, name, passed, failed, detail=''):
        self.passed += passed
        self.failed += failed
        status = 'ok' if failed == 0 else 'FAIL'
        print('%-4s %-40s %d passed, %d failed' % (status, name, passed,
                                                   failed), flush=True)
        if failed:
            self.failures.append((name, detail))


def listed(path):
    with open(path, encoding='utf-8') as f:
        return [l.strip() for l in f
                if l.strip() and not l.strip().startswith('#')]


def asan_env():
    return {
        'ASAN_OPTIONS': 'detect_leaks=1:abort_on_error=0',
        'UBSAN_OPTIONS': 'halt_on_error=1:print_stacktrace=1',
        'LSAN_OPTIONS': 'suppressions=' + os.path.join(
            ROOT, 'tests', 'lsan.supp')}


def store_units():
    """The unit tests whose stores come from tu_store_uri(), so that they
    run on PostgreSQL too (the others are about SQLite or no store)."""
    out = []
    for name in listed(os.path.join(ROOT, 'tests', 'unit', 'tests.list')):
        with open(os.path.join(ROOT, 'tests', 'unit', name + '.c'),
                  encoding='utf-8') as f:
            if 'tu_store_uri(' in f.read():
                out.append(name)
    return out


def run_unit(t, build, label, extra_env=None, names=None):
    env = dict(os.environ, KZ_TEST_DATA=os.path.join(ROOT, 'tests', 'data'),
               CMOCKA_MESSAGE_OUTPUT='stdout')
    env.update(extra_env or {})
    if names is None:
        names = listed(os.path.join(ROOT, 'tests', 'unit', 'tests.list'))
    for name in names:
        exe = os.path.join(build, 'tests', 'unit', name)
        if not os.path.exists(exe):
            t.add('%s %s' % (label, name), 0, 1, 'not built: %s' % exe)
            continue
        try:
            p = subprocess.run([exe], env=env, cwd=ROOT, capture_output=True,
                               text=True, errors='replace', timeout=600)
            out = p.stdout + p.stderr
        except subprocess.TimeoutExpired as e:
            t.add('%s %s' % (label, name), 0, 1, 'timed out')
            continue
        ok = PASSED.search(out)
        bad = FAILED.search(out)
        npass = int(ok.group(1)) if ok else 0
        nfail = int(bad.group(1)) if bad else 0
        if p.returncode != 0 and nfail == 0:
            nfail = 1  # crashed, or a sanitizer stopped it
        t.add('%s %s' % (label, name), npass, nfail, out[-4000:])


def run_replay(t, build):
    harnesses = listed(os.path.join(ROOT, 'fuzz', 'harnesses.list'))
    for name in harnesses:
        exe = os.path.join(build, 'fuzz', name + '-replay')
        corpus = os.path.join(ROOT, 'fuzz', 'corpus', name.replace(
            'fuzz_', '', 1))
        if not os.path.exists(exe):
            t.add('replay ' + name, 0, 1, 'not built: %s' % exe)
            continue
        files = []
        if os.path.isdir(corpus):
            files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus))
        p = subprocess.run([exe] + files, capture_output=True, text=True,
                           errors='replace', timeout=600)
        t.add('replay %s (%d inputs)' % (name, len(files)),
              1 if p.returncode == 0 else 0, 0 if p.returncode == 0 else 1,
              (p.stdout + p.stderr)[-4000:])


# Runs in part pg, which has PostgreSQL; the e2e part does not need it.
PG_E2E = os.path.join(ROOT, 'tests', 'e2e', 'test_postgres.py')


def run_pytest(t, build, label='e2e (pytest)', args=None):
    if args is None:
        args = ['--ignore', PG_E2E, os.path.join(ROOT, 'tests', 'e2e')]
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, 'junit.xml')
        env = dict(os.environ,
                   KIZUKI_BIN=os.path.join(os.path.abspath(build), 'src',
                                           'cli', 'kizuki'))
        p = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p',
                            'no:cacheprovider', '--junitxml', xml] + args,
                           env=env, cwd=ROOT, capture_output=True, text=True,
                           errors='replace')
        if not os.path.exists(xml):
            t.add(label, 0, 1, p.stdout + p.stderr)
            return
        root = ET.parse(xml).getroot()
        suites = [root] if root.tag == 'testsuite' else list(root)
        total = sum(int(s.get('tests', 0)) for s in suites)
        bad = sum(int(s.get('failures', 0)) + int(s.get('errors', 0))
                  for s in suites)
        skipped = sum(int(s.get('skipped', 0)) for s in suites)
        # A skipped test is not a passed one.
        t.add(label, total - bad - skipped, bad + skipped,
              p.stdout[-8000:] + p.stderr[-2000:])


def run_pg(t, build, asan_build):
    """The store's unit tests again on a PostgreSQL server started here
    (each test's store a new schema in one database), in both builds, and
    the PostgreSQL end-to-end tests, which start their own server."""
    sys.path.insert(0, os.path.join(ROOT, 'tests'))
    from pg import PgServer
    pg = PgServer()
    try:
        pg.start()
    except Exception as e:  # noqa: BLE001 - any failure is a failed part
        pg.stop()
        t.add('pg (server)', 0, 1, str(e))
        return
    try:
        env = {'KZ_TEST_PG': pg.uri}
        run_unit(t, build, 'pg unit', env, store_units())
        if os.path.isdir(asan_build):
            run_unit(t, asan_build, 'pg asan', dict(asan_env(), **env),
                     store_units())
    finally:
        pg.stop()
    run_pytest(t, build, 'pg e2e (pytest)', [PG_E2E])


def run_browser(t, build):
    """The browser tests (tests/browser, node's test runner driving
    Debian's chromium through playwright-core), counted from the TAP
    summary."""
    d = os.path.join(ROOT, 'tests', 'browser')
    env = dict(os.environ, KIZUKI_BIN=os.path.join(
        os.path.abspath(build), 'src', 'cli', 'kizuki'))
    if not os.path.isdir(os.path.join(d, 'node_modules')):
        p = subprocess.run(['npm', 'ci', '--no-audit', '--no-fund'], cwd=d,
                           env=env, capture_output=True, text=True,
                           errors='replace')
        if p.returncode != 0:
            t.add('browser (npm ci)', 0, 1, p.stdout + p.stderr)
            return
    p = subprocess.run(['node', '--test', 'tests/browser/'], cwd=ROOT,
                       env=env, capture_output=True, text=True,
                       errors='replace', timeout=900)
    out = p.stdout + p.stderr
    passed = re.search(r'^# pass (\d+)', out, re.M)
    failed = re.search(r'^# fail (\d+)', out, re.M)
    if not passed or not failed:
        t.add('browser (node --test)', 0, 1, out[-8000:])
        return
    t.add('browser (node --test)', int(passed.group(1)),
          int(failed.group(1)) + (1 if p.returncode and
                                  not int(failed.group(1)) else 0),
          out[-8000:])


def run_check(t, name, cmd):
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                       errors='replace')
    t.add(name, 1 if p.returncode == 0 else 0, 0 if p.returncode == 0 else 1,
          (p.stdout + p.stderr)[-4000:])


def sources():
    p = subprocess.run(['git', 'ls-files', '--cached', '--others',
                        '--exclude-standard', '*.c', '*.h'], cwd=ROOT,
                       capture_output=True, text=True)
    return [f for f in p.stdout.split() if os.path.exists(
        os.path.join(ROOT, f))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--asan-build', default='build-asan')
    ap.add_argument('--only', default='')
    a = ap.parse_args()
    t = Tally()
    only = set(a.only.split(',')) if a.only else None

    def want(x):
        return only is None or x in only

    if want('unit'):
        run_unit(t, a.build, 'unit')
    if want('asan') and os.path.isdir(a.asan_build):
        run_unit(t, a.asan_build, 'asan', asan_env())
    if want('replay'):
        run_replay(t, a.build)
    if want('e2e'):
        run_pytest(t, a.build)
    if want('pg'):
        run_pg(t, a.build, a.asan_build)
    if want('browser'):
        run_browser(t, a.build)
    if want('checks'):
        run_check(t, 'check clang-format', ['clang-format', '--dry-run',
                                            '-Werror'] + sources())
        run_check(t, 'check translations', [sys.executable,
                                            'scripts/po-check.py'])
        run_check(t, 'check test lists', [sys.executable,
                                          'scripts/check-lists.py'])
    for name, detail in t.failures:
        print('\n==== %s ====\n%s' % (name, detail.rstrip()))
    print('%d passed, %d failed' % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
