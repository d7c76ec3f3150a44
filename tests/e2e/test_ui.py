# SPDX-License-Identifier: MIT
"""The web UI over real HTTP (kizuki serve on a loopback port, a fresh
database): security headers on every page, CSRF on every form, bad input
answered with a clear 4xx and nothing written, script coming back as
text, and the member view limited to the member's org."""
import http.client
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse

import pytest

from conftest import BIN

PASSWORD = 'correct horse battery'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp):
        self.env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
                    'KIZUKI_DB': str(tmp / 'ui.db'), 'LANG': 'C.UTF-8',
                    'HOME': str(tmp)}
        self.port = free_port()
        for name, role, org in (('admin1', 'admin', None),
                                ('hana', 'handler', None),
                                ('mem', 'member', 'member-a'),
                                ('mem2', 'member', 'member-b')):
            if org:
                self.cli('org', 'add', '--name', org, '--kind', 'member')
            args = ['user', 'add', name, '--role', role, '--password-stdin']
            if org:
                args += ['--org', org]
            self.cli(*args, stdin=PASSWORD + '\n')
        self.proc = subprocess.Popen(
            [BIN, 'serve', '--listen', '127.0.0.1:%d' % self.port,
             '--access-log', 'off', '--threads', '2'],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                if self.request('GET', '/healthz')[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError('kizuki serve did not start')

    def cli(self, *args, stdin=None):
        p = subprocess.run([BIN] + list(args), env=self.env, input=stdin,
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return p.stdout

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=15)

    def request(self, method, path, body=None, headers=None, cookie=None):
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30)
        h = dict(headers or {})
        if cookie:
            h['Cookie'] = cookie
        if isinstance(body, str):
            body = body.encode()
        try:
            c.request(method, path, body=body, headers=h)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the body was read: the answer is there
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), \
            data.decode('utf-8', 'replace')

    def form(self, path, fields, cookie=None):
        return self.request(
            'POST', path, urllib.parse.urlencode(fields),
            {'Content-Type': 'application/x-www-form-urlencoded'}, cookie)

    def login(self, name):
        st, h, _ = self.form('/login', {'name': name, 'password': PASSWORD})
        assert st == 303, (st, h)
        cookie = h['set-cookie'].split(';')[0]
        st, h, page = self.request('GET', '/dashboard', cookie=cookie)
        assert st == 200, (st, h.get('location'), cookie)
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        return cookie, csrf

    def report(self, title, description='phishing at http://evil.example.com/',
               extra=None, wait=True):
        st, _, page = self.request('GET', '/report')
        ft = re.search(r'name="ft" value="([^"]+)"', page).group(1)
        if wait:
            time.sleep(2.1)
        fields = [('ft', ft), ('lang', 'en'), ('title', title),
                  ('category', 'phishing'), ('description', description),
                  ('indicators', '198.51.100.7'),
                  ('contact', 'reporter@example.org'), ('website', '')]
        fields += list(extra or [])
        return multipart(self, fields)


def multipart(srv, fields, files=(), boundary='kzBOUNDARY'):
    out = b''
    for k, v in fields:
        out += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n'
                % (boundary, k)).encode() + \
            (v if isinstance(v, bytes) else v.encode()) + b'\r\n'
    for k, name, data in files:
        out += ('--%s\r\nContent-Disposition: form-data; name="%s"; '
                'filename="%s"\r\nContent-Type: text/plain\r\n\r\n'
                % (boundary, k, name)).encode() + data + b'\r\n'
    out += ('--%s--\r\n' % boundary).encode()
    return srv.request('POST', '/report', out, {
        'Content-Type': 'multipart/form-data; boundary=' + boundary})


@pytest.fixture(scope='module')
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp('ui'))
    yield s
    s.stop()


def ticket_of(srv, location):
    st, _, page = srv.request('GET', location)
    assert st == 200
    return re.search(r'id="ticket">([A-Z0-9-]+)<', page).group(1)


def test_pages_have_security_headers(srv):
    cookie, _ = srv.login('hana')
    for path, ck in (('/report', None), ('/login', None),
                     ('/dashboard', cookie), ('/incidents', cookie),
                     ('/orgs', cookie), ('/static/kizuki.css', None),
                     ('/nosuch', None)):
        st, h, _ = srv.request('GET', path, cookie=ck)
        csp = h.get('content-security-policy', '')
        assert "default-src 'self'" in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert h.get('x-content-type-options') == 'nosniff', path


def test_report_form_gives_ticket_and_status_link(srv):
    st, h, _ = srv.report('Phishing page')
    assert st == 303
    loc = h['location']
    assert re.match(r'/report/status/[A-Za-z0-9_-]{43}\?new=1$', loc)
    ticket = ticket_of(srv, loc)
    st, _, page = srv.request('GET', loc.split('?')[0])
    assert st == 200 and ticket in page and 'statusurl' not in page
    # A handler's internal note never reaches the status page.
    cookie, csrf = srv.login('hana')
    st, _, _ = srv.form('/incidents/%s/notes' % ticket,
                        {'csrf': csrf, 'text': 'internal: call the ISP'},
                        cookie)
    assert st == 303
    st, _, page = srv.request('GET', loc.split('?')[0])
    assert 'call the ISP' not in page


def test_status_link_unknown_or_malformed(srv):
    assert srv.request('GET', '/report/status/' + 'A' * 43)[0] == 404
    assert srv.request('GET', '/report/status/short')[0] == 404


def test_script_comes_back_escaped(srv):
    st, h, _ = srv.report('<script>alert(1)</script>',
                          description='<img src=x onerror=alert(2)>')
    assert st == 303
    ticket = ticket_of(srv, h['location'])
    cookie, _ = srv.login('hana')
    st, _, page = srv.request('GET', '/incidents/' + ticket, cookie=cookie)
    assert st == 200
    assert '<script>alert(1)' not in page and '<img src=x' not in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    st, _, page = srv.request('GET', '/incidents?q=alert', cookie=cookie)
    assert '<script>alert' not in page


def test_form_too_fast_or_honeypot_is_refused(srv):
    n = incident_count(srv)
    st, _, page = srv.report('fast', wait=False)
    assert st == 400 and 'too fast' in page
    st, _, _ = srv.report('bot', extra=[('website', 'http://spam.example')])
    assert st == 400
    st, _, _ = multipart(srv, [('ft', '1.deadbeef'), ('description', 'x')])
    assert st == 400
    assert incident_count(srv) == n


def incident_count(srv):
    cookie, _ = srv.login('hana')
    st, _, page = srv.request('GET', '/incidents?status=', cookie=cookie)
    return int(re.search(r'<p class="muted">(\d+) ', page).group(1))


def test_csrf_missing_or_forged_is_403_and_writes_nothing(srv):
    st, h, _ = srv.report('csrf target')
    ticket = ticket_of(srv, h['location'])
    cookie, csrf = srv.login('hana')
    for fields in ({'text': 'no token'},
                   {'text': 'forged token', 'csrf': '0' * 64},
                   {'text': 'short token', 'csrf': 'abc'}):
        st, _, _ = srv.form('/incidents/%s/notes' % ticket, fields, cookie)
        assert st == 403
    st, _, _ = srv.form('/incidents/%s/status' % ticket,
                        {'status': 'rejected', 'csrf': 'f' * 64}, cookie)
    assert st == 403
    st, _, page = srv.request('GET', '/incidents/' + ticket, cookie=cookie)
    assert 'no token' not in page and 'forged token' not in page
    assert 'status-new' in page


def test_expired_or_forged_session_goes_to_login(srv):
    for cookie in ('kz_session=' + '0' * 64, 'kz_session=garbage'):
        st, h, _ = srv.request('GET', '/dashboard', cookie=cookie)
        assert st == 303 and h['location'] == '/login'
        st, h, _ = srv.form('/incidents/KZ-2026-000001/notes',
                            {'text': 'x', 'csrf': '0' * 64}, cookie)
        assert st == 303 and h['location'] == '/login'
    st, h, _ = srv.request('GET', '/incidents')
    assert st == 303


def test_oversized_post_is_413(srv):
    big = 'x' * (2 << 20)
    st, _, _ = srv.request('POST', '/login', 'name=a&password=' + big,
                           {'Content-Type':
                            'application/x-www-form-urlencoded'})
    assert st == 413
    # An attachment over 5 MB.
    st, _, _ = multipart(srv, [('ft', '1.x'), ('description', 'x')],
                         files=[('attachment', 'big.txt',
                                 b'a' * (5 * 1024 * 1024 + 10))])
    assert st == 413
    assert srv.request('GET', '/healthz')[0] == 200


def chunked_post(srv, path, ctype, total):
    """Sends total bytes without a Content-Length; returns the answer."""
    s = socket.create_connection(('127.0.0.1', srv.port), timeout=30)
    s.sendall(('POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n'
               'Transfer-Encoding: chunked\r\n\r\n' % (path, ctype))
              .encode())
    chunk = b'a' * 65536
    try:
        for _ in range(total // len(chunk)):
            s.sendall(b'%x\r\n%s\r\n' % (len(chunk), chunk))
        s.sendall(b'0\r\n\r\n')
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = b''
    try:
        while True:  # the head, then Content-Length bytes of body
            head, sep, body = data.partition(b'\r\n\r\n')
            m = re.search(rb'(?i)content-length: *(\d+)', head)
            if sep and m and len(body) >= int(m.group(1)):
                break
            got = s.recv(65536)
            if not got:
                break
            data += got
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return data.decode('utf-8', 'replace')


def test_413_names_the_limit_of_the_route(srv):
    # The upload form takes up to 11 MiB; other routes max_body (1 MiB).
    for path, limit in (('/report', 11 << 20), ('/login', 1 << 20)):
        st, _, page = srv.request(
            'POST', path, 'x' * (limit + 10),
            {'Content-Type': 'application/x-www-form-urlencoded'})
        assert st == 413
        assert str(limit) in page, (path, page[:500])
        answer = chunked_post(srv, path, 'multipart/form-data; boundary=b',
                              limit + (1 << 20))
        assert ' 413 ' in answer.split('\r\n', 1)[0], answer[:300]
        assert str(limit) in answer, (path, answer[:800])
    assert srv.request('GET', '/healthz')[0] == 200


def test_wrong_content_type_is_415(srv):
    st, _, _ = srv.request('POST', '/login', 'name=a&password=b',
                           {'Content-Type': 'text/plain'})
    assert st == 415
    st, _, _ = srv.request('POST', '/report', '{"description": "x"}',
                           {'Content-Type': 'application/json'})
    assert st == 415


def test_invalid_utf8_in_form_is_400(srv):
    st, _, _ = srv.request('POST', '/login', b'name=%FF%FE&password=x',
                           {'Content-Type':
                            'application/x-www-form-urlencoded'})
    assert st == 400
    n = incident_count(srv)
    st, _, _ = multipart(srv, [('ft', '1.x'), ('description', b'\xff\xfe')])
    assert st == 400
    assert incident_count(srv) == n


def test_path_traversal_in_names(srv):
    cookie, _ = srv.login('hana')
    for path in ('/incidents/..%2F..%2Fetc%2Fpasswd', '/incidents/../users',
                 '/orgs/..', '/orgs/%2E%2E%2Fetc', '/static/../../etc/passwd',
                 '/report/status/..%2F..%2Fx', '/incidents/%00'):
        st, _, _ = srv.request('GET', path, cookie=cookie)
        assert st in (400, 404), path
    n = incident_count(srv)
    st, _, _ = multipart(srv, [('ft', '1.x'), ('description', 'x')],
                         files=[('attachment', '../../etc/passwd', b'x')])
    assert st == 400
    assert incident_count(srv) == n


def test_member_sees_only_their_org(srv):
    tickets = []
    for title in ('about member a', 'about member b'):
        st, h, _ = srv.report(title)
        tickets.append(ticket_of(srv, h['location']))
    # A handler links each incident to its org through the API.
    st, h, body = srv.request('POST', '/api/v1/login', json.dumps(
        {'name': 'hana', 'password': PASSWORD}),
        {'Content-Type': 'application/json'})
    cookie = h['set-cookie'].split(';')[0]
    csrf = json.loads(body)['csrf_token']
    for t, org in zip(tickets, ('member-a', 'member-b')):
        st, _, body = srv.request(
            'POST', '/api/v1/incidents/%s/orgs' % t,
            json.dumps({'org': org, 'role': 'concerned'}),
            {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
            cookie)
        assert st in (200, 201), body
    # A handler's working note must never reach a member's page.
    st, _, body = srv.request(
        'POST', '/api/v1/incidents/%s/notes' % tickets[0],
        json.dumps({'text': 'internal-note-marker'}),
        {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, cookie)
    assert st in (200, 201), body
    cookie, _ = srv.login('mem')
    st, _, page = srv.request('GET', '/incidents', cookie=cookie)
    assert tickets[0] in page and tickets[1] not in page
    assert srv.request('GET', '/incidents/' + tickets[0],
                       cookie=cookie)[0] == 200
    assert srv.request('GET', '/incidents/' + tickets[1],
                       cookie=cookie)[0] == 404
    st, _, page = srv.request('GET', '/incidents/' + tickets[0],
                              cookie=cookie)
    assert 'note-form' not in page and 'reporter@example.org' not in page
    assert 'internal-note-marker' not in page
    assert 'member-b' not in page  # other orgs linked to the incident
    assert srv.request('GET', '/orgs/member-b', cookie=cookie)[0] == 404
    assert srv.request('GET', '/orgs', cookie=cookie)[0] == 403
    assert srv.request('GET', '/users', cookie=cookie)[0] == 403
    st, _, _ = srv.form('/incidents/%s/notes' % tickets[0],
                        {'text': 'x'}, cookie)
    assert st == 403


def test_japanese_pages(srv):
    st, h, page = srv.request('GET', '/report?lang=ja')
    assert st == 200 and 'lang="ja"' in page
    assert 'kz_lang=ja' in h.get('set-cookie', '')
    st, _, page = srv.request('GET', '/report',
                              headers={'Accept-Language': 'ja,en;q=0.5'})
    assert 'lang="ja"' in page
