# SPDX-License-Identifier: MIT
"""A real `kizuki serve` for end-to-end tests: a fresh database in a temp
directory, users made with the command line, the server on 127.0.0.1 at a
free port, and a small HTTP client (standard library only) that keeps a
session cookie and its CSRF token, or sends an API token. The server is
always stopped with SIGTERM (then killed if it does not go).

Use the fixture `api` (one server per test module), or start one with
`with Server(tmp_path) as srv:`. Browser tests can reuse `srv.url`."""
import http.client
import json
import os
import re
import signal
import subprocess
import time

import pytest

BIN = os.environ.get('KIZUKI_BIN') or os.path.join(
    os.path.dirname(__file__), '..', '..', 'build', 'src', 'cli', 'kizuki')

PASSWORD = 'correct horse battery staple'


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return 'HTTP %d %s' % (self.status, self.text[:2000])


class Client:
    """One user's view: a session (cookie + CSRF) or a bearer token."""

    def __init__(self, server, token=None):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.token = token
        self.lang = None

    def request(self, method, path, body=None, ctype=None, headers=None,
                csrf=True, timeout=30):
        h = dict(headers or {})
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                h.setdefault('Content-Type', ctype or 'application/json')
            else:
                data = body if isinstance(body, bytes) else body.encode()
                if ctype:
                    h.setdefault('Content-Type', ctype)
        if self.token:
            h.setdefault('Authorization', 'Bearer ' + self.token)
        if self.cookie:
            h.setdefault('Cookie', 'kz_session=' + self.cookie)
            if csrf and self.csrf and method not in ('GET', 'HEAD'):
                h.setdefault('X-CSRF-Token', self.csrf)
        if self.lang:
            h.setdefault('Accept-Language', self.lang)
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port,
                                          timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            resp = Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()
        cookie = resp.header('Set-Cookie')
        if cookie:
            m = re.match(r'kz_session=([^;]*)', cookie)
            if m:
                self.cookie = m.group(1) or None
        return resp

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body=None, **kw):
        return self.request('POST', path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request('PATCH', path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    def login(self, name, password=PASSWORD):
        r = self.post('/api/v1/login', {'name': name, 'password': password})
        if r.status == 200:
            self.csrf = r.json()['csrf_token']
        return r


class Server:
    def __init__(self, tmp, args=(), env=None):
        self.tmp = str(tmp)
        self.db = os.path.join(self.tmp, 'kizuki.db')
        self.env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'KIZUKI_DB': self.db,
            'KIZUKI_USER': 'tester',
            'LANG': 'C.UTF-8',
            'HOME': self.tmp,
        }
        self.env.update(env or {})
        self.args = list(args)
        self.proc = None
        self.port = None
        self.log = os.path.join(self.tmp, 'server.log')

    def cli(self, *args, stdin=None, check=True):
        p = subprocess.run([BIN] + list(args), input=stdin, env=self.env,
                           capture_output=True, text=True, timeout=120)
        if check:
            assert p.returncode == 0, (args, p.stdout, p.stderr)
        return p

    def add_user(self, name, role, org=None, password=PASSWORD):
        args = ['user', 'add', name, '--role', role]
        if org:
            args += ['--org', org]
        if password is None:
            return self.cli(*args)
        return self.cli(*(args + ['--password-stdin']), stdin=password + '\n')

    def init(self):
        """Creates the database once (kizuki init is idempotent anyway)."""
        if not getattr(self, '_inited', False):
            self.cli('init')
            self._inited = True
        return self

    def serving(self, users=()):
        """For fixtures: initializes, adds users as (name, role[, org]),
        starts the server, yields it and stops it afterwards."""
        self.init()
        for user in users:
            self.add_user(*user)
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def start(self):
        self.init()
        self.errf = open(self.log, 'w+')
        self.proc = subprocess.Popen(
            [BIN, 'serve', '--listen', '127.0.0.1:0', '--threads', '2']
            + self.args, env=self.env, stdout=subprocess.DEVNULL,
            stderr=self.errf)
        deadline = time.time() + 30
        while time.time() < deadline:
            with open(self.log) as f:
                m = re.search(r'listening on https?://127\.0\.0\.1:(\d+)/',
                              f.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            self.stop()
            with open(self.log) as f:
                raise RuntimeError('kizuki serve did not start:\n' + f.read())
        self.url = 'http://127.0.0.1:%d' % self.port
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=20)
            code = self.proc.returncode
            self.proc = None
        if getattr(self, 'errf', None):
            self.errf.close()
            self.errf = None
        return code

    def output(self):
        with open(self.log) as f:
            return f.read()

    def client(self, token=None):
        return Client(self, token=token)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture(scope='module')
def api(tmp_path_factory):
    """A running server with an admin (password PASSWORD) and a handler."""
    srv = Server(tmp_path_factory.mktemp('serve'))
    yield from srv.serving([('admin', 'admin'), ('handler', 'handler')])
