#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A throwaway PostgreSQL server for the tests: initdb into a temporary
directory, postgres listening on 127.0.0.1 only (at a free port, its unix
socket in that directory), one empty database, and everything stopped and
removed at the end. As root, initdb and postgres refuse to run: they run
as the 'postgres' system user that Debian's package creates.

As a module: `with PgServer() as pg: pg.uri`. As a program it runs a
command with KZ_TEST_PG set to the database's URI:
    python3 tests/pg.py -- build/tests/unit/test_incident
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

WAIT = 60  # seconds for initdb, a start or a stop


def bindir():
    """The newest server installed (Debian: /usr/lib/postgresql/N/bin)."""
    found = glob.glob('/usr/lib/postgresql/*/bin/postgres')
    if not found:
        raise RuntimeError('no PostgreSQL server installed (Debian: '
                           'apt-get install postgresql, or run '
                           'scripts/install-deps test)')
    found.sort(key=lambda p: int(p.split('/')[4]))
    return os.path.dirname(found[-1])


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, dbname='kizuki_test'):
        self.dbname = dbname
        self.bin = bindir()
        self.dir = None
        self.port = None
        self.started = False
        self.as_user = None
        if os.geteuid() == 0:
            self.as_user = 'postgres'
        self.superuser = 'kizuki'

    @property
    def uri(self):
        return 'postgresql://%s@127.0.0.1:%d/%s' % (
            self.superuser, self.port, self.dbname)

    def uri_for(self, dbname):
        return 'postgresql://%s@127.0.0.1:%d/%s' % (
            self.superuser, self.port, dbname)

    def _run(self, args, **kw):
        if self.as_user:
            args = ['runuser', '-u', self.as_user, '--'] + args
        return subprocess.run(args, capture_output=True, text=True,
                              errors='replace', timeout=WAIT, **kw)

    def _check(self, p, what):
        if p.returncode != 0:
            raise RuntimeError('%s failed (%d): %s%s' % (
                what, p.returncode, p.stdout[-2000:], p.stderr[-2000:]))

    def start(self):
        self.dir = tempfile.mkdtemp(prefix='kz-pg-')
        if self.as_user:
            pw = pwd.getpwnam(self.as_user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, 'data')
        self._check(self._run([
            os.path.join(self.bin, 'initdb'), '-D', data, '-U',
            self.superuser, '--auth=trust', '--encoding=UTF8',
            '--locale=C.UTF-8', '--no-sync'], cwd=self.dir), 'initdb')
        # A port can be taken between the probe and the start: try again.
        for attempt in range(5):
            self.port = free_port()
            opts = ('-c listen_addresses=127.0.0.1 -p %d -k %s '
                    '-c fsync=off -c synchronous_commit=off '
                    '-c full_page_writes=off -c max_connections=200 '
                    '-c shared_buffers=32MB' % (self.port, self.dir))
            p = self._run([os.path.join(self.bin, 'pg_ctl'), '-D', data,
                           '-l', os.path.join(self.dir, 'log'), '-w',
                           '-t', str(WAIT), '-o', opts, 'start'],
                          cwd=self.dir)
            if p.returncode == 0:
                self.started = True
                break
        else:
            raise RuntimeError('postgres did not start: %s' % self.log())
        self.createdb(self.dbname)
        return self

    def psql(self, sql, dbname='postgres'):
        p = self._run([os.path.join(self.bin, 'psql'), '-X', '-q',
                       '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p',
                       str(self.port), '-U', self.superuser, '-d', dbname,
                       '-At', '-c', sql], cwd=self.dir)
        self._check(p, 'psql %r' % sql)
        return p.stdout

    def createdb(self, name):
        self.psql('CREATE DATABASE "%s" ENCODING \'UTF8\' TEMPLATE '
                  'template0' % name)

    def log(self):
        try:
            with open(os.path.join(self.dir, 'log'), errors='replace') as f:
                return f.read()[-4000:]
        except OSError:
            return ''

    def stop(self):
        if self.started:
            self._run([os.path.join(self.bin, 'pg_ctl'), '-D',
                       os.path.join(self.dir, 'data'), '-w', '-t',
                       str(WAIT), '-m', 'fast', 'stop'], cwd=self.dir)
            self.started = False
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


def main():
    args = sys.argv[1:]
    if args and args[0] == '--':
        args = args[1:]
    if not args:
        sys.exit('usage: tests/pg.py [--] COMMAND [ARG]...')
    with PgServer() as pg:
        env = dict(os.environ, KZ_TEST_PG=pg.uri)
        return subprocess.run(args, env=env).returncode


if __name__ == '__main__':
    sys.exit(main())
