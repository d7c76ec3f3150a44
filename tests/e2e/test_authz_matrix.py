# SPDX-License-Identifier: MIT
"""The authorization matrix: every role x every route x another org's
data. Members of org A, reporters and anonymous clients ask for everything
the route table has, aimed at incidents, orgs, users and reports they may
not see; the answers must refuse (401, 403, 404), leak no marker of the
hidden data, and write nothing. What members may read is checked against
an oracle written from the rules in model/access.h."""
import itertools
import subprocess
import uuid

import pytest

from server import BIN, Server

TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red']
LINKS = ['concerned', 'client', 'recipient', None]
ROLES = ['admin', 'handler', 'member', 'reporter']


def may_read(role, tlp, link, reported):
    """The table of model/access.h, written again independently."""
    if role in ('admin', 'handler'):
        return True
    if reported:
        return True
    if role != 'member':
        return False
    return {'concerned': tlp != 'red',
            'client': tlp in ('clear', 'green', 'amber'),
            'recipient': True}.get(link, False)


class World:
    pass


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp('authz'))
    srv.cli('init')
    srv.cli('org', 'add', '--name', 'org-a', '--kind', 'member')
    srv.cli('org', 'add', '--name', 'org-b', '--kind', 'member', '--note',
            'ORGB-SECRET-NOTE')
    srv.cli('org', 'add', '--name', 'org-c-secret', '--kind', 'isp')
    users = {'admin': ('admin', None), 'handler': ('handler', None),
             'member-a': ('member', 'org-a'), 'member-b': ('member', 'org-b'),
             'reporter-a': ('reporter', None),
             'reporter-b': ('reporter', None)}
    for name, (role, org) in users.items():
        srv.add_user(name, role, org)
    srv.start()
    w = World()
    w.srv = srv
    w.tok = {}
    for name in users:
        w.tok[name] = srv.cli('user', 'token', name, 'matrix').stdout.strip()
    w.role = {n: r for n, (r, _) in users.items()}
    h = srv.client(token=w.tok['handler'])
    # One incident per TLP x link of org A; org B is linked to none.
    w.cases = []
    for tlp, link in itertools.product(TLPS, LINKS):
        mark = 'MARK-%s' % uuid.uuid4().hex
        r = h.post('/api/v1/incidents', {'title': mark, 'tlp': tlp,
                                         'description': mark,
                                         'reporter': mark + '@x.example'})
        assert r.status == 201, r
        t = r.json()['ticket']
        if link:
            r = h.post('/api/v1/incidents/%s/orgs' % t,
                       {'org': 'org-a', 'role': link})
            assert r.status == 200, r
        h.post('/api/v1/reports', 'evidence for %s %s' % (t, mark),
               ctype='text/plain')
        # Another party in the timeline: a link and a handler's note.
        h.post('/api/v1/incidents/%s/orgs' % t,
               {'org': 'org-c-secret', 'role': 'recipient'})
        h.post('/api/v1/incidents/%s/notes' % t,
               {'text': 'NOTE-INTERNAL called the ISP'})
        h.patch('/api/v1/incidents/' + t, {'priority': 2})
        w.cases.append({'ticket': t, 'tlp': tlp, 'link': link,
                        'mark': mark, 'reporter': None})
    # reporter-a reports through its account; a handler then makes it RED.
    ra = srv.client(token=w.tok['reporter-a'])
    mark = 'MARK-%s' % uuid.uuid4().hex
    r = ra.post('/api/v1/reports', 'phishing at hxxp://%s.example/ %s'
                % (mark.lower(), mark), ctype='text/plain')
    assert r.status == 201, r
    t = r.json()['ticket']
    assert t
    assert h.patch('/api/v1/incidents/' + t, {'tlp': 'red'}).status == 200
    w.cases.append({'ticket': t, 'tlp': 'red', 'link': None, 'mark': mark,
                    'reporter': 'reporter-a'})
    w.reported = t
    # reporter-b names that ticket in a mail: it joins the incident but
    # must not open it to reporter-b.
    eml = ('From: b@reporter.example\r\nTo: cert@example\r\n'
           'Subject: Re: [%s] more\r\n\r\nsame thing again\r\n' % t)
    r = srv.client(token=w.tok['reporter-b']).post(
        '/api/v1/reports', eml, ctype='message/rfc822')
    assert r.status == 201, r
    assert r.json()['ticket'] is None
    # The target of the route matrix: RED, linked to org B only.
    w.hidden_mark = 'HIDDEN-%s' % uuid.uuid4().hex
    r = h.post('/api/v1/incidents', {'title': w.hidden_mark, 'tlp': 'red',
                                     'description': w.hidden_mark})
    w.hidden = r.json()['ticket']
    h.post('/api/v1/incidents/%s/orgs' % w.hidden,
           {'org': 'org-b', 'role': 'concerned'})
    h.post('/api/v1/reports', 'hidden evidence %s' % w.hidden_mark,
           ctype='text/plain')
    reps = h.get('/api/v1/incidents/%s/reports' % t).json()['reports']
    w.hidden_report = reps[0]['id']
    yield w
    srv.stop()


def reported_by(case, user):
    return case['reporter'] == user


@pytest.mark.parametrize('user', ['admin', 'handler', 'member-a', 'member-b',
                                  'reporter-a', 'reporter-b'])
def test_lists_show_exactly_what_the_rules_allow(world, user):
    c = world.srv.client(token=world.tok[user])
    role = world.role[user]
    org_links = user == 'member-a'
    want = {k['ticket'] for k in world.cases
            if may_read(role, k['tlp'], k['link'] if org_links else None,
                        reported_by(k, user))}
    marks = {k['ticket']: k['mark'] for k in world.cases}
    for query in ('', '&tlp=red', '&open=1', '&q=MARK', '&oldest_first=1',
                  '&status=new,triaged'):
        r = c.get('/api/v1/incidents?limit=1000' + query)
        assert r.status == 200, r
        got = {i['ticket'] for i in r.json()['incidents']
               if i['ticket'] in marks}
        if query == '&tlp=red':
            want_q = {t for t in want if next(
                k for k in world.cases if k['ticket'] == t)['tlp'] == 'red'}
        else:
            want_q = want
        assert got == want_q, (user, query)
        for t, m in marks.items():
            if t not in want:
                assert m not in r.text, (user, query, t)
        assert world.hidden_mark not in r.text or role in ('admin',
                                                            'handler')
        if role not in ('admin', 'handler'):
            # What non-staff read carries no reporter.
            assert '@x.example' not in r.text


@pytest.mark.parametrize('user', ['member-a', 'member-b', 'reporter-a',
                                  'reporter-b', 'handler'])
def test_each_incident_and_its_parts(world, user):
    c = world.srv.client(token=world.tok[user])
    role = world.role[user]
    for k in world.cases:
        t = k['ticket']
        link = k['link'] if user == 'member-a' else None
        rep = reported_by(k, user)
        ok = may_read(role, k['tlp'], link, rep)
        r = c.get('/api/v1/incidents/' + t)
        assert r.status == (200 if ok else 404), (user, k, r)
        if not ok:
            assert k['mark'] not in r.text
            assert r.json()['error']['code'] == 'not_found'
        r = c.get('/api/v1/incidents/%s/timeline' % t)
        if role == 'reporter':
            assert r.status == 403
        else:
            tl_ok = role == 'handler' or may_read(role, k['tlp'], link,
                                                  False)
            assert r.status == (200 if tl_ok else 404), (user, k, r)
            if tl_ok and role == 'member':
                kinds = {e['kind'] for e in r.json()['events']}
                assert kinds <= {'opened', 'status', 'result', 'update'}
                assert 'update' in kinds
                for secret in ('org-c-secret', 'NOTE-INTERNAL',
                               '@x.example', 'evidence for'):
                    assert secret not in r.text, (user, k, secret)
        r = c.get('/api/v1/incidents/%s/reports' % t)
        assert r.status == (200 if role == 'handler' else 403)
        if role != 'handler':
            assert k['mark'] not in r.text


def fill(pattern, w):
    return (pattern.replace('{ticket}', w.hidden)
            .replace('/orgs/{name}', '/orgs/org-b')
            .replace('/users/{name}', '/users/member-b')
            .replace('/tokens/{name}', '/tokens/nosuch')
            .replace('{org}', 'org-b')
            .replace('{id}', str(w.hidden_report)))


def body_for(method, pattern):
    u = uuid.uuid4().hex[:8]
    bodies = {
        ('POST', '/api/v1/login'): {'name': 'nobody', 'password': 'x' * 12},
        ('POST', '/api/v1/me/password'): {'current': 'wrong password',
                                          'new': 'another password'},
        ('POST', '/api/v1/me/tokens'): {'name': 'm-' + u},
        ('POST', '/api/v1/incidents'): {'title': 'matrix ' + u},
        ('PATCH', '/api/v1/incidents/{ticket}'): {'priority': 1},
        ('POST', '/api/v1/incidents/{ticket}/status'): {'status': 'triaged'},
        ('POST', '/api/v1/incidents/{ticket}/notes'): {'text': 'n ' + u},
        ('POST', '/api/v1/incidents/{ticket}/assign'): {'assignee': 'x'},
        ('POST', '/api/v1/incidents/{ticket}/orgs'): {'org': 'org-b',
                                                      'role': 'concerned'},
        ('POST', '/api/v1/orgs'): {'name': 'mx-' + u, 'kind': 'other'},
        ('PATCH', '/api/v1/orgs/{name}'): {'note': 'changed ' + u},
        ('POST', '/api/v1/users'): {'name': 'u-' + u, 'role': 'reporter'},
        ('PATCH', '/api/v1/users/{name}'): {'disabled': False},
        ('POST', '/api/v1/users/{name}/tokens'): {'name': 't-' + u},
    }
    if (method, pattern) == ('POST', '/api/v1/reports'):
        return 'matrix report ' + u, 'text/plain'
    if method in ('POST', 'PATCH') and (method, pattern) not in bodies:
        return {}, 'application/json'
    return bodies.get((method, pattern)), 'application/json'


def route_table():
    p = subprocess.run([BIN, 'serve', '--routes'], capture_output=True,
                       text=True, check=True)
    return [tuple(l.split(' ')) for l in p.stdout.splitlines()]


def snapshot(w):
    h = w.srv.client(token=w.tok['admin'])
    return (h.get('/api/v1/incidents/' + w.hidden).text,
            h.get('/api/v1/incidents/%s/timeline' % w.hidden).text,
            h.get('/api/v1/orgs/org-b').text,
            h.get('/api/v1/users/member-b').text,
            h.get('/api/v1/incidents?limit=1').json()['total'],
            len(h.get('/api/v1/users').json()['users']))


def test_route_matrix_refuses_and_leaks_nothing(world):
    w = world
    table = [r for r in route_table() if r[1].startswith('/api/')]
    assert len(table) >= 30
    before = snapshot(w)
    principals = [None, 'member-a', 'reporter-a', 'handler', 'admin']
    checked = 0
    for user in principals:
        role = w.role.get(user)
        c = w.srv.client(token=w.tok[user] if user else None)
        for method, pattern, roles in table:
            path = fill(pattern, w)
            body, ctype = body_for(method, pattern)
            r = c.request(method, path, body=body, ctype=ctype)
            checked += 1
            assert r.status < 500, (user, method, pattern, r)
            allowed = roles == 'public' or (role and role in roles.split(','))
            if roles != 'public' and user is None:
                assert r.status == 401, (method, pattern, r)
            elif not allowed:
                assert r.status == 403, (user, method, pattern, r)
                assert r.json()['error']['code'] == 'forbidden'
            elif role in ('member', 'reporter') and '{ticket}' in pattern:
                assert r.status in (403, 404), (user, method, pattern, r)
            elif role == 'member' and pattern == '/api/v1/orgs/{name}':
                assert r.status == 404, (user, method, pattern, r)
            if role not in ('admin', 'handler'):
                assert w.hidden_mark not in r.text, (user, method, pattern)
                assert 'ORGB-SECRET' not in r.text, (user, method, pattern)
                for k in w.cases:
                    if not may_read(role or 'none', k['tlp'],
                                    k['link'] if user == 'member-a'
                                    else None, reported_by(k, user)):
                        assert k['mark'] not in r.text, (user, pattern)
        if user in (None, 'member-a', 'reporter-a'):
            after = snapshot(w)
            # Non-staff wrote nothing but their own reports.
            assert after[:4] == before[:4], user
            assert after[5] == before[5], user
    assert checked >= 5 * 30
    assert w.srv.alive()


def test_sessions_follow_the_same_rules(world):
    c = world.srv.client()
    assert c.login('member-a', 'correct horse battery staple').status == 200
    assert c.get('/api/v1/incidents/' + world.hidden).status == 404
    assert c.get('/api/v1/orgs/org-a').status == 200
    assert c.get('/api/v1/orgs/org-b').status == 404
    assert c.post('/api/v1/incidents', {'title': 'no'}).status == 403
    assert c.get('/api/v1/users').status == 403
    assert c.get('/api/v1/stats').status == 403


@pytest.fixture(scope='module')
def iocs(world):
    """On every case: a domain indicator at each TLP and an e-mail one."""
    out = {}
    for k in world.cases:
        t, u = k['ticket'], uuid.uuid4().hex[:10]
        vals = {}
        for i, tlp in enumerate(TLPS):
            v = 'i%d-%s.example.com' % (i, u)
            world.srv.cli('indicator', 'add', v, '--tlp', tlp, '--incident',
                          t, '--source', 'SRC-SECRET-' + u)
            vals[v] = tlp
        mail = 'victim-%s@mail.example.com' % u
        world.srv.cli('indicator', 'add', mail, '--tlp', 'clear',
                      '--incident', t)
        out[t] = (vals, mail)
    return out


@pytest.mark.parametrize('user', ['member-a', 'member-b', 'reporter-a',
                                  'handler'])
def test_indicators_follow_their_own_tlp(world, iocs, user):
    c = world.srv.client(token=world.tok[user])
    role = world.role[user]
    for k in world.cases:
        t = k['ticket']
        vals, mail = iocs[t]
        link = k['link'] if user == 'member-a' else None
        r = c.get('/api/v1/incidents/%s/indicators' % t)
        if role == 'reporter':
            assert r.status == 403, (user, k, r)
            continue
        ok = role == 'handler' or may_read(role, k['tlp'], link, False)
        assert r.status == (200 if ok else 404), (user, k, r)
        if not ok:
            assert not any(v in r.text for v in vals), (user, k)
            continue
        got = {i['value'] for i in r.json()['indicators']}
        if role == 'handler':
            assert set(vals) | {mail} <= got
            continue
        want = {v for v, tlp in vals.items()
                if may_read('member', tlp, link, False)}
        assert got == want, (user, k, got, want)
        assert mail not in r.text and 'SRC-SECRET' not in r.text
        # the page shows the same and nothing more
        page = c.get('/incidents/' + t).text
        for v in vals:
            assert (v in page) == (v in want), (user, k, v)
        assert mail not in page
