# SPDX-License-Identifier: MIT
"""The REST API end to end over loopback: the real `kizuki serve`, real
HTTP, the route table against the OpenAPI document."""
import http.client
import json
import os
import re
import sqlite3
import subprocess

from server import BIN, PASSWORD, Server, api  # noqa: F401

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def admin(api):  # noqa: F811
    c = api.client()
    assert c.login('admin').status == 200
    return c


def routes():
    """The API's rows of the route table (web pages are not in OpenAPI)."""
    p = subprocess.run([BIN, 'serve', '--routes'], capture_output=True,
                       text=True, check=True)
    out = []
    for line in p.stdout.splitlines():
        method, path, roles = line.split(' ')[:3]
        if path.startswith('/api/') or path in ('/healthz', '/metrics'):
            out.append((method, path, roles))
    return out


def test_every_route_is_in_the_openapi_document_and_back():
    with open(os.path.join(ROOT, 'src', 'server', 'openapi.json')) as f:
        doc = json.load(f)
    assert doc['openapi'].startswith('3.1')
    documented = {(m.upper(), p) for p, ops in doc['paths'].items()
                  for m in ops if m in ('get', 'post', 'patch', 'put',
                                        'delete')}
    table = routes()
    served = {(m, p) for m, p, _ in table}
    assert served - documented == set(), 'routes missing from openapi.json'
    assert documented - served == set(), 'openapi.json has unknown routes'
    for m, p, roles in table:
        op = doc['paths'][p][m.lower()]
        want = [] if roles == 'public' else roles.split(',')
        assert sorted(op['x-roles']) == sorted(want), (m, p)
        assert (op['security'] == []) == (roles == 'public'), (m, p)
        for name in re.findall(r'\{(\w+)\}', p):
            assert any(x['name'] == name and x['in'] == 'path'
                       for x in op.get('parameters', [])), (m, p, name)


def test_openapi_is_served_as_built(api):  # noqa: F811
    r = api.client().get('/api/v1/openapi.json')
    assert r.status == 200
    with open(os.path.join(ROOT, 'src', 'server', 'openapi.json'), 'rb') as f:
        assert r.body == f.read()


def test_health_metrics_and_security_headers(api):  # noqa: F811
    c = api.client()
    r = c.get('/healthz')
    assert r.status == 200 and r.json()['status'] == 'ok'
    assert "frame-ancestors 'none'" in r.header('Content-Security-Policy')
    assert r.header('X-Content-Type-Options') == 'nosniff'
    assert r.header('Referrer-Policy') == 'no-referrer'
    m = c.get('/metrics')
    assert m.status == 200
    assert m.header('Content-Type').startswith('text/plain; version=0.0.4')
    assert re.search(r'^kizuki_http_requests_total\{code="2xx"\} \d+$',
                     m.text, re.M)
    assert '# TYPE kizuki_http_request_duration_seconds histogram' in m.text
    r = c.get('/')
    assert r.status == 200 and r.header('Content-Type').startswith(
        'text/html')


def test_login_session_csrf_and_logout(api):  # noqa: F811
    c = api.client()
    r = c.login('admin', 'wrong password!!')
    assert r.status == 401 and r.json()['error']['code'] == 'unauthorized'
    r = c.login('admin')
    assert r.status == 200
    cookie = r.header('Set-Cookie')
    assert 'HttpOnly' in cookie and 'SameSite=Strict' in cookie
    assert 'Secure' not in cookie
    assert c.get('/api/v1/me').json()['user']['name'] == 'admin'
    # A write without the CSRF header is refused and writes nothing.
    before = c.get('/api/v1/incidents').json()['total']
    r = c.post('/api/v1/incidents', {'title': 'x'}, csrf=False)
    assert r.status == 403 and r.json()['error']['code'] == 'csrf_failed'
    r = c.post('/api/v1/incidents', {'title': 'x'},
               headers={'X-CSRF-Token': '0' * 64})
    assert r.status == 403
    assert c.get('/api/v1/incidents').json()['total'] == before
    old = c.cookie
    assert c.post('/api/v1/logout').status == 204
    c.cookie = old
    r = c.get('/api/v1/me')
    assert r.status == 401


def test_one_time_password_must_be_changed(api):  # noqa: F811
    p = api.cli('user', 'add', 'newbie', '--role', 'handler')
    pw = re.search(r'one-time password: (\S+)', p.stdout).group(1)
    c = api.client()
    assert c.login('newbie', pw).status == 200
    r = c.get('/api/v1/incidents')
    assert r.status == 403
    assert r.json()['error']['code'] == 'password_change_required'
    assert c.get('/api/v1/me').json()['user']['must_change_password']
    r = c.post('/api/v1/me/password', {'current': 'nope nope nope',
                                       'new': PASSWORD})
    assert r.status == 403
    r = c.post('/api/v1/me/password', {'current': pw, 'new': 'short'})
    assert r.status == 400
    r = c.post('/api/v1/me/password', {'current': pw, 'new': PASSWORD})
    assert r.status == 200
    assert c.get('/api/v1/incidents').status == 200
    assert api.client().login('newbie', pw).status == 401


def test_incident_flow(api):  # noqa: F811
    c = admin(api)
    r = c.post('/api/v1/incidents', {'title': 'Phishing site imitating a '
                                     'bank', 'category': 'phishing',
                                     'priority': 2, 'tlp': 'TLP:GREEN'})
    assert r.status == 201, r
    inc = r.json()
    t = inc['ticket']
    assert r.header('Location') == '/api/v1/incidents/' + t
    assert inc['tlp'] == 'TLP:GREEN' and inc['status'] == 'new'
    g = c.get('/api/v1/incidents/' + t)
    assert g.status == 200 and g.json() == inc
    etag = g.header('ETag')
    assert etag
    r = c.get('/api/v1/incidents/' + t, headers={'If-None-Match': etag})
    assert r.status == 304 and r.body == b''
    r = c.patch('/api/v1/incidents/' + t, {'priority': 1, 'stage': 'recon'})
    assert r.status == 200 and r.json()['priority'] == 1
    assert r.json()['stage'] == 'recon'
    r = c.get('/api/v1/incidents/' + t, headers={'If-None-Match': etag})
    assert r.status == 200 and r.header('ETag') != etag
    r = c.post('/api/v1/incidents/%s/status' % t, {'status': 'waiting'})
    assert r.status == 409 and r.json()['error']['code'] == 'conflict'
    r = c.post('/api/v1/incidents/%s/status' % t,
               {'status': 'triaged', 'note': '受付'})
    assert r.status == 200 and r.json()['status'] == 'triaged'
    r = c.post('/api/v1/incidents/%s/notes' % t, {'text': 'called the ISP'})
    assert r.status == 201
    r = c.post('/api/v1/incidents/%s/assign' % t, {'assignee': 'handler'})
    assert r.json()['assignee'] == 'handler'
    tl = c.get('/api/v1/incidents/%s/timeline' % t).json()
    kinds = [e['kind'] for e in tl['events']]
    assert kinds[0] == 'opened' and 'note' in kinds and 'status' in kinds
    assert 'assign' in kinds
    r = c.get('/api/v1/incidents?status=triaged&category=phishing'
              '&assignee=handler')
    assert t in [i['ticket'] for i in r.json()['incidents']]
    r = c.get('/api/v1/incidents?status=closed')
    assert t not in [i['ticket'] for i in r.json()['incidents']]
    r = c.get('/api/v1/incidents?q=imitating&priority=1-2')
    assert [i['ticket'] for i in r.json()['incidents']] == [t]
    assert c.get('/api/v1/incidents/KZ-2026-999999').status == 404


def test_list_pagination_and_filters(api):  # noqa: F811
    c = admin(api)
    made = []
    for i in range(7):
        r = c.post('/api/v1/incidents', {'title': 'pager %d zebra' % i,
                                         'category': 'scan'})
        made.append(r.json()['ticket'])
    seen = []
    for off in (0, 3, 6):
        r = c.get('/api/v1/incidents?q=zebra&limit=3&offset=%d' % off)
        body = r.json()
        assert body['total'] == 7 and body['limit'] == 3
        seen += [i['ticket'] for i in body['incidents']]
    assert sorted(seen) == sorted(made)
    r = c.get('/api/v1/incidents?q=zebra&oldest_first=1&limit=1')
    assert r.json()['incidents'][0]['ticket'] == made[0]
    assert c.get('/api/v1/incidents?limit=0').status == 400
    assert c.get('/api/v1/incidents?status=nosuch').status == 400
    assert c.get('/api/v1/incidents?bogus=1').status == 400


def test_report_intake_keeps_raw_bytes(api):  # noqa: F811
    c = admin(api)
    text = ('Phishing site at hxxp://bank-login[.]example/ imitating our '
            'bank. 銀行を装うフィッシングサイトです。\n')
    r = c.post('/api/v1/reports', text, ctype='text/plain; charset=utf-8')
    assert r.status == 201, r
    res = r.json()
    assert res['action'] == 'opened' and res['category'] == 'phishing'
    t = res['ticket']
    reps = c.get('/api/v1/incidents/%s/reports' % t).json()['reports']
    assert len(reps) == 1 and reps[0]['source'] == 'api'
    one = c.get('/api/v1/reports/%d' % reps[0]['id']).json()
    assert one['raw'] == text and one['ticket'] == t
    r = c.post('/api/v1/reports', json.dumps({'title': 'DDoS on our site',
                                              'text': 'dos attack'}),
               ctype='application/json')
    assert r.status == 201
    r = c.post('/api/v1/reports', 'x', ctype='image/png')
    assert r.status == 415


def test_orgs_and_contacts(api):  # noqa: F811
    c = admin(api)
    r = c.post('/api/v1/orgs', {'name': 'example-isp', 'kind': 'isp',
                                'country': 'JP', 'lang': 'ja',
                                'contacts': ['abuse@isp.example'],
                                'netblocks': ['192.0.2.0/24'],
                                'asns': [64500], 'domains': ['isp.example']})
    assert r.status == 201, r
    org = r.json()
    assert org['contacts'] == ['abuse@isp.example'] and org['asns'] == [64500]
    assert c.post('/api/v1/orgs', {'name': 'example-isp',
                                   'kind': 'isp'}).status == 409
    r = c.patch('/api/v1/orgs/example-isp',
                {'note': 'ok', 'add': {'contacts': ['noc@isp.example']},
                 'remove': {'domains': ['isp.example']}})
    assert r.status == 200, r
    assert sorted(r.json()['contacts']) == ['abuse@isp.example',
                                            'noc@isp.example']
    assert r.json()['domains'] == []
    names = [o['name'] for o in c.get('/api/v1/orgs').json()['orgs']]
    assert 'example-isp' in names
    assert c.get('/api/v1/orgs/nosuch').status == 404
    r = c.post('/api/v1/orgs', {'name': 'x', 'kind': 'nosuch'})
    assert r.status == 400


def test_link_org_to_incident(api):  # noqa: F811
    c = admin(api)
    c.post('/api/v1/orgs', {'name': 'member-a', 'kind': 'member'})
    t = c.post('/api/v1/incidents', {'title': 'linked'}).json()['ticket']
    r = c.post('/api/v1/incidents/%s/orgs' % t,
               {'org': 'member-a', 'role': 'client'})
    assert r.status == 200
    assert r.json()['orgs'] == [{'org': 'member-a', 'role': 'client'}]
    r = c.post('/api/v1/incidents/%s/orgs' % t,
               {'org': 'member-a', 'role': 'boss'})
    assert r.status == 400
    assert c.delete('/api/v1/incidents/%s/orgs/member-a' % t).status == 204
    assert c.delete('/api/v1/incidents/%s/orgs/member-a' % t).status == 404


def test_stats(api):  # noqa: F811
    c = admin(api)
    r = c.get('/api/v1/stats?period=2026')
    assert r.status == 200 and 'incidents' in r.json()
    assert c.get('/api/v1/stats?period=notaperiod').status == 400


def test_api_tokens(api):  # noqa: F811
    c = admin(api)
    r = c.post('/api/v1/me/tokens', {'name': 'script'})
    assert r.status == 201
    tok = r.json()['token']
    assert tok.startswith('kzt_') and len(tok) == 68
    b = api.client(token=tok)
    assert b.get('/api/v1/me').json()['user']['name'] == 'admin'
    # No CSRF with a bearer token: it is not sent by browsers on its own.
    assert b.post('/api/v1/incidents', {'title': 'by token'}).status == 201
    names = [t['name'] for t in c.get('/api/v1/me/tokens').json()['tokens']]
    assert names == ['script']
    assert tok not in c.get('/api/v1/me/tokens').text
    assert c.post('/api/v1/me/tokens', {'name': 'script'}).status == 409
    assert c.delete('/api/v1/me/tokens/script').status == 204
    r = b.get('/api/v1/me')
    assert r.status == 401
    # The database keeps only the hash.
    db = sqlite3.connect(api.db)
    try:
        rows = db.execute('SELECT hash FROM api_tokens').fetchall()
        assert all(tok not in h for (h,) in rows)
        pw = db.execute("SELECT password_hash FROM users WHERE "
                        "name = 'admin'").fetchone()[0]
        assert pw.startswith('$argon2id$')
    finally:
        db.close()


def test_cli_token_works_on_the_api(api):  # noqa: F811
    tok = api.cli('user', 'token', 'handler', 'cron').stdout.strip()
    assert api.client(token=tok).get('/api/v1/incidents').status == 200
    api.cli('user', 'token', 'handler', 'cron', '--revoke')
    assert api.client(token=tok).get('/api/v1/incidents').status == 401


def test_user_admin(api):  # noqa: F811
    c = admin(api)
    r = c.post('/api/v1/users', {'name': 'temp', 'role': 'reporter'})
    assert r.status == 201
    pw = r.json()['password']
    assert r.json()['user']['must_change_password'] is True
    u = api.client()
    assert u.login('temp', pw).status == 200
    r = c.patch('/api/v1/users/temp', {'disabled': True})
    assert r.status == 200 and r.json()['user']['disabled'] is True
    assert u.get('/api/v1/me').status == 401
    assert api.client().login('temp', pw).status == 401
    r = c.patch('/api/v1/users/admin', {'disabled': True})
    assert r.status == 409
    assert c.post('/api/v1/users', {'name': 'm', 'role': 'member'}
                  ).status == 400
    users = [x['name'] for x in c.get('/api/v1/users').json()['users']]
    assert 'temp' in users and 'admin' in users
    lst = json.loads(api.cli('--json', 'user', 'list').stdout)
    assert 'temp' in [x['name'] for x in lst['users']]


def test_errors_are_translated(api):  # noqa: F811
    c = admin(api)
    c.lang = 'ja,en;q=0.5'
    r = c.get('/api/v1/incidents/KZ-2026-999998')
    assert r.status == 404
    msg = r.json()['error']['message']
    assert re.search(r'[\u3040-\u30ff\u4e00-\u9fff]', msg), msg
    c.lang = 'en'
    assert 'no incident' in c.get('/api/v1/incidents/KZ-2026-999998'
                                  ).json()['error']['message']


def test_access_log_is_json_lines(api):  # noqa: F811
    api.client().get('/api/v1/openapi.json')
    lines = [l for l in api.output().splitlines() if l.startswith('{')]
    assert lines
    for l in lines:
        rec = json.loads(l)
        assert {'time', 'method', 'path', 'status', 'us'} <= set(rec)


def test_login_rate_limit_and_config_file(tmp_path):
    conf = tmp_path / 'kizuki.ini'
    conf.write_text('[server]\nlogin_max = 3\nlogin_window = 600\n'
                    'access_log = off\n')
    with Server(tmp_path, ['--config', str(conf)]) as srv:
        srv.add_user('alice', 'handler')
        c = srv.client()
        for _ in range(3):
            assert c.login('alice', 'bad password 1').status == 401
        r = c.login('alice')
        assert r.status == 429
        assert r.json()['error']['code'] == 'rate_limited'
        assert r.header('Retry-After')
        assert 'listening' in srv.output()
        assert '"method"' not in srv.output()


def test_bad_config_is_refused(tmp_path):
    conf = tmp_path / 'bad.ini'
    conf.write_text('[server]\nthreads = many\n')
    p = subprocess.run([BIN, '--db', str(tmp_path / 'k.db'), 'serve',
                        '--config', str(conf)], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 1 and 'threads' in p.stderr


def test_sigterm_stops_cleanly(tmp_path):
    srv = Server(tmp_path)
    srv.start()
    assert srv.client().get('/healthz').status == 200
    assert srv.stop() == 0
    assert 'stopping (SIGTERM)' in srv.output()


def test_init_admin_once(tmp_path):
    srv = Server(tmp_path, ['--init-admin'])
    for _ in range(2):
        srv.start()
        srv.stop()
    users = json.loads(srv.cli('--json', 'user', 'list').stdout)['users']
    assert [u['name'] for u in users] == ['admin']
    assert users[0]['must_change_password'] is True


def test_tls_and_secure_cookie(tmp_path):
    import ssl
    cert, key = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    p = subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                        '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
                        '-keyout', str(key), '-out', str(cert)],
                       capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr
    with Server(tmp_path, ['--tls-cert', str(cert), '--tls-key',
                           str(key)]) as srv:
        srv.add_user('tls', 'handler')
        assert 'https://127.0.0.1' in srv.output()
        ctx = ssl.create_default_context(cafile=str(cert))
        ctx.check_hostname = False
        conn = http.client.HTTPSConnection('127.0.0.1', srv.port,
                                           context=ctx, timeout=30)
        conn.request('POST', '/api/v1/login', body=json.dumps(
            {'name': 'tls', 'password': PASSWORD}),
            headers={'Content-Type': 'application/json'})
        r = conn.getresponse()
        r.read()
        conn.close()
        assert r.status == 200
        assert 'Secure' in r.getheader('Set-Cookie')
        assert r.getheader('Strict-Transport-Security')
    bad = subprocess.run([BIN, '--db', str(tmp_path / 'k2.db'), 'serve',
                          '--tls-cert', str(cert)], capture_output=True,
                         text=True, timeout=30)
    assert bad.returncode == 1 and 'key' in bad.stderr


def test_cached_answers_follow_every_write(api):  # noqa: F811
    a = admin(api)
    tok = a.post('/api/v1/me/tokens', {'name': 'cache'}).json()['token']
    b = api.client(token=tok)
    t = a.post('/api/v1/incidents', {'title': 'cache me'}).json()['ticket']
    for i in range(1, 6):
        # Fill the caches of both workers, change, read again.
        for _ in range(4):
            b.get('/api/v1/incidents/' + t)
            b.get('/api/v1/incidents?q=cache')
        assert a.patch('/api/v1/incidents/' + t,
                       {'priority': i}).status == 200
        for _ in range(4):
            assert b.get('/api/v1/incidents/' + t).json()['priority'] == i
            got = b.get('/api/v1/incidents?q=cache').json()['incidents']
            assert [x['priority'] for x in got if x['ticket'] == t] == [i]
    # A write by another process (the command line).
    api.cli('incident', 'update', t, '--title', 'changed by the cli')
    for _ in range(4):
        assert b.get('/api/v1/incidents/' + t).json()['title'] == \
            'changed by the cli'
    # A report taken in by the writer thread shows in the lists at once.
    n = b.get('/api/v1/incidents').json()['total']
    assert b.post('/api/v1/reports', 'scan from 192.0.2.1',
                  ctype='text/plain').status == 201
    for _ in range(4):
        assert b.get('/api/v1/incidents').json()['total'] == n + 1


def test_drops_root_after_binding(tmp_path):
    import pathlib
    import pwd
    import shutil
    import tempfile
    if os.geteuid() != 0:
        work = tmp_path / 'drop'
        work.mkdir()
        # Not root: --user is not needed, and said so.
        with Server(work, ['--user', 'nobody']) as srv:
            assert 'not root' in srv.output()
        return
    nobody = pwd.getpwnam('nobody')
    # Under /tmp itself: the test's own folder is not open to nobody.
    work = pathlib.Path(tempfile.mkdtemp(prefix='kizuki-drop-'))
    os.chown(str(work), nobody.pw_uid, nobody.pw_gid)
    srv = Server(work, ['--user', 'nobody'])
    srv.cli('init')
    for f in os.listdir(str(work)):
        os.chown(os.path.join(str(work), f), nobody.pw_uid, nobody.pw_gid)
    srv.start()
    try:
        with open('/proc/%d/status' % srv.proc.pid) as f:
            uids = [l for l in f if l.startswith('Uid:')][0].split()[1:]
        assert set(uids) == {str(nobody.pw_uid)}
        assert srv.client().get('/healthz').status == 200
        assert 'warning: running as root' not in srv.output()
    finally:
        srv.stop()
        shutil.rmtree(str(work), ignore_errors=True)
    p = subprocess.run([BIN, '--db', str(tmp_path / 'x.db'), 'serve', '--user',
                        'no-such-user-here', '--listen', '127.0.0.1:0'],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 1 and "no system user" in p.stderr
