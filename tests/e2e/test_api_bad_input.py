# SPDX-License-Identifier: MIT
"""Hostile input to the API: oversized bodies, malformed JSON, wrong
content types, invalid UTF-8, path traversal, script in fields, forged or
expired sessions, CSRF and tokens. Each gets a clear 4xx with the one
error object, writes nothing, and the server keeps serving."""
import http.client
import json
import socket
import sqlite3

import pytest

from server import Server


@pytest.fixture(scope='module')
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp('bad'), ['--max-body', '65536'])
    s.init().cli('org', 'add', '--name', 'org-a', '--kind', 'member')
    yield from s.serving([('admin', 'admin')])


@pytest.fixture
def c(srv):
    cl = srv.client()
    assert cl.login('admin').status == 200
    return cl


def total(c):
    return c.get('/api/v1/incidents').json()['total']


def is_error(r, status, code=None):
    assert r.status == status, r
    assert r.header('Content-Type') == 'application/json', r
    err = r.json()['error']
    assert set(err) == {'code', 'message'} and err['message'], r
    if code:
        assert err['code'] == code, r
    assert r.header('X-Content-Type-Options') == 'nosniff'


def test_oversized_body_is_refused_before_reading(srv, c):
    n = total(c)
    big = json.dumps({'title': 'x' * 200000})
    r = c.post('/api/v1/incidents', big, ctype='application/json')
    is_error(r, 413, 'too_large')
    r = c.post('/api/v1/reports', 'y' * 70000, ctype='text/plain')
    is_error(r, 413, 'too_large')
    assert total(c) == n
    assert srv.alive() and c.get('/healthz').status == 200


def test_oversized_chunked_body(srv, c):
    n = total(c)
    conn = http.client.HTTPConnection('127.0.0.1', srv.port, timeout=30)
    conn.putrequest('POST', '/api/v1/reports')
    conn.putheader('Content-Type', 'text/plain')
    conn.putheader('Cookie', 'kz_session=' + c.cookie)
    conn.putheader('X-CSRF-Token', c.csrf)
    conn.putheader('Transfer-Encoding', 'chunked')
    conn.endheaders()
    chunk = b'z' * 8192
    for _ in range(12):
        conn.send(b'%x\r\n%s\r\n' % (len(chunk), chunk))
    conn.send(b'0\r\n\r\n')
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status == 413, body
    assert json.loads(body)['error']['code'] == 'too_large'
    assert total(c) == n


@pytest.mark.parametrize('body', [
    b'{', b'{"title": }', b'[1, 2', b'null', b'[]', b'"x"', b'',
    b'{"title": "a", "title": "b"}', b'{"title": "a"} trailing',
    b'[' * 5000 + b']' * 5000,
])
def test_malformed_json(srv, c, body):
    n = total(c)
    r = c.post('/api/v1/incidents', body, ctype='application/json')
    is_error(r, 400)
    assert r.json()['error']['code'] in ('malformed_json', 'invalid')
    assert total(c) == n


@pytest.mark.parametrize('ctype', [None, 'text/plain',
                                   'application/x-www-form-urlencoded',
                                   'multipart/form-data; boundary=x',
                                   'application/jsonp'])
def test_wrong_content_type(srv, c, ctype):
    n = total(c)
    r = c.post('/api/v1/incidents', b'{"title": "x"}', ctype=ctype)
    is_error(r, 415, 'unsupported_media_type')
    assert total(c) == n


def test_invalid_utf8(srv, c):
    n = total(c)
    r = c.post('/api/v1/incidents', b'{"title": "\xff\xfe bad"}',
               ctype='application/json')
    is_error(r, 400)
    r = c.post('/api/v1/incidents', b'{"title": "\xc0\xaf"}',
               ctype='application/json')
    is_error(r, 400)
    r = c.post('/api/v1/reports', b'text \xed\xa0\x80 surrogate',
               ctype='text/plain')
    is_error(r, 400, 'invalid_utf8')
    r = c.get('/api/v1/incidents?q=%FF%FE')
    is_error(r, 400, 'invalid_utf8')
    r = c.post('/api/v1/incidents', {'title': 'nul \u0000 inside'})
    is_error(r, 400)
    assert total(c) == n


@pytest.mark.parametrize('path', [
    '/api/v1/incidents/../../etc/passwd',
    '/api/v1/incidents/..%2f..%2fetc%2fpasswd',
    '/api/v1/orgs/..%2f..%2fetc%2fpasswd',
    '/api/v1/orgs/%2e%2e',
    '/api/v1/orgs/.hidden',
    '/api/v1/users/..%2fadmin',
    '/api/v1/users/a%00b',
    '/api/v1/incidents/KZ-2026-1%27%20OR%201=1--',
    '/api/v1/incidents/%3Cscript%3E',
    '/api/v1/reports/1%3B%20DROP%20TABLE%20reports',
    '/api/v1/reports/-1',
    '/api/v1/me/tokens/..%2f..%2f',
    '/api/v1/./incidents',
    '/static/../../../etc/passwd',
    '/api/v1/incidents%5c..%5c',
])
def test_path_traversal_and_bad_names(srv, c, path):
    r = c.get(path)
    assert r.status in (400, 404, 405), (path, r)
    is_error(r, r.status)
    assert 'root:' not in r.text
    assert srv.alive()


def test_script_comes_back_escaped(srv, c):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>&amp;'
    r = c.post('/api/v1/incidents', {'title': evil, 'description': evil})
    assert r.status == 201
    t = r.json()['ticket']
    for path in ('/api/v1/incidents/' + t, '/api/v1/incidents?q=script',
                 '/api/v1/incidents/%s/timeline' % t):
        r = c.get(path)
        assert r.status == 200
        assert b'<' not in r.body and b'>' not in r.body, path
        assert b'&amp;' not in r.body
    assert c.get('/api/v1/incidents/' + t).json()['title'] == evil
    r = c.post('/api/v1/orgs', {'name': '<b>org</b>', 'kind': 'other',
                                'note': evil})
    assert r.status in (201, 400)
    assert b'<' not in r.body
    r = c.get('/api/v1/incidents/%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    assert b'<' not in r.body


def test_unknown_fields_and_wrong_types(srv, c):
    n = total(c)
    for body in ({'title': 'x', 'admin': True}, {'title': 5},
                 {'title': 'x', 'priority': 'high'},
                 {'title': 'x', 'priority': 9}, {'title': 'x', 'tlp': 'pink'},
                 {'title': 'x', 'category': 'nosuch'}, {'title': ''},
                 {'title': 'x' * 600}, {'description': 'no title'},
                 {'title': ['a']}):
        r = c.post('/api/v1/incidents', body)
        is_error(r, 400)
    assert total(c) == n
    r = c.post('/api/v1/users', {'name': '../../x', 'role': 'admin'})
    is_error(r, 400)
    r = c.post('/api/v1/users', {'name': 'x', 'role': 'root'})
    is_error(r, 400)


def test_forged_and_expired_credentials(srv, c):
    n = total(c)
    anon = srv.client()
    for cookie in ('0' * 64, 'x' * 64, "'; DROP TABLE sessions; --", '',
                   'a' * 5000):
        anon.cookie = cookie
        r = anon.get('/api/v1/me')
        assert r.status in (400, 401, 413, 431), r
        anon.cookie = None
    for tok in ('kzt_' + '0' * 64, 'kzt_short', 'garbage', 'kzt_' + 'G' * 64):
        r = srv.client(token=tok).get('/api/v1/incidents')
        is_error(r, 401, 'unauthorized')
    r = srv.client().get('/api/v1/incidents',
                         headers={'Authorization': 'Basic YWRtaW46eA=='})
    is_error(r, 401)
    # A session whose time is up.
    other = srv.client()
    assert other.login('admin').status == 200
    db = sqlite3.connect(srv.db)
    try:
        db.execute('UPDATE sessions SET expires_at = 1')
        db.commit()
    finally:
        db.close()
    r = other.get('/api/v1/me')
    is_error(r, 401, 'unauthorized')
    assert 'Max-Age=0' in (r.header('Set-Cookie') or '')
    # CSRF: missing, forged, another session's.
    fresh = srv.client()
    assert fresh.login('admin').status == 200
    second = srv.client()
    assert second.login('admin').status == 200
    for token in (None, '', '0' * 64, fresh.csrf[:-1] + 'x', second.csrf):
        h = {'X-CSRF-Token': token} if token is not None else {}
        r = fresh.post('/api/v1/incidents', {'title': 'csrf'}, headers=h,
                       csrf=False)
        is_error(r, 403, 'csrf_failed')
    assert total(fresh) == n


def test_method_not_allowed_and_unknown(srv, c):
    r = c.request('PUT', '/api/v1/incidents', body={'title': 'x'})
    is_error(r, 405, 'method_not_allowed')
    assert 'GET' in r.header('Allow') and 'POST' in r.header('Allow')
    r = c.get('/api/v1/nosuch')
    is_error(r, 404, 'not_found')


def test_garbage_on_the_socket(srv, c):
    for raw in (b'\x00\x01\x02garbage\r\n\r\n', b'GET /' + b'a' * 100000 +
                b' HTTP/1.1\r\nHost: x\r\n\r\n',
                b'POST /api/v1/login HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
                b'GET /healthz HTTP/1.1\r\n' + b'X: y\r\n' * 5000 + b'\r\n'):
        s = socket.create_connection(('127.0.0.1', srv.port), timeout=10)
        try:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
            data = s.recv(65536)
        except OSError:
            data = b''
        finally:
            s.close()
        assert not data or data.startswith(b'HTTP/1.1 4'), data[:200]
    assert c.get('/healthz').status == 200


def test_server_still_serves(srv, c):
    assert srv.alive()
    assert c.get('/healthz').status == 200
