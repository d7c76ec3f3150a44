# SPDX-License-Identifier: MIT
"""kizuki on PostgreSQL, end to end: a throwaway server started here
(tests/pg.py), two `kizuki serve --db postgresql://...` processes on one
database as behind a load balancer, the command line on the same
database, and the API tests of test_api.py run again on PostgreSQL."""
import json
import os
import subprocess
import sys
import threading

import pytest

from server import BIN, Server

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from pg import PgServer  # noqa: E402

# The same tests as on SQLite, with the fixture `api` below.
from test_api import (  # noqa: E402,F401
    test_cached_answers_follow_every_write, test_cli_token_works_on_the_api,
    test_incident_flow, test_link_org_to_incident,
    test_list_pagination_and_filters, test_login_session_csrf_and_logout,
    test_one_time_password_must_be_changed,
    test_orgs_and_contacts, test_report_intake_keeps_raw_bytes, test_stats,
    test_user_admin)


@pytest.fixture(scope='module')
def pg():
    with PgServer() as s:
        yield s


def new_db(pg, name):
    pg.createdb(name)
    return pg.uri_for(name)


def pg_server(tmp, uri):
    """A server given the database by flag; its command line by variable."""
    return Server(tmp, args=['--db', uri], env={'KIZUKI_DB': uri})


@pytest.fixture(scope='module')
def api(pg, tmp_path_factory):
    srv = pg_server(tmp_path_factory.mktemp('pg-api'), new_db(pg, 'api'))
    yield from srv.serving([('admin', 'admin'), ('handler', 'handler')])


@pytest.fixture(scope='module')
def pair(pg, tmp_path_factory):
    uri = new_db(pg, 'pair')
    a = pg_server(tmp_path_factory.mktemp('pg-a'), uri)
    a.cli('init')
    a.add_user('hana', 'handler')
    a.start()
    b = pg_server(tmp_path_factory.mktemp('pg-b'), uri)
    try:
        b.start()
        yield a, b
    finally:
        b.stop()
        a.stop()


def kizuki(uri, *args, stdin=None):
    """The command line with --db on the command line itself."""
    return subprocess.run([BIN, '--db', uri] + list(args), input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={'PATH': os.environ.get('PATH', '/usr/bin'),
                               'LANG': 'C.UTF-8', 'KIZUKI_USER': 'tester'})


def test_cli_incident_new_list_show(pg):
    uri = new_db(pg, 'cli')
    p = kizuki(uri, 'init')
    assert p.returncode == 0, p.stderr
    assert 'schema version' in p.stdout and 'postgresql://' in p.stdout
    p = kizuki(uri, '--json', 'incident', 'new', '--title',
               '銀行を装うフィッシングサイト', '--category', 'phishing',
               '--priority', '2')
    assert p.returncode == 0, p.stderr
    t = json.loads(p.stdout)['ticket']
    p = kizuki(uri, 'incident', 'new', '--title', 'Port scan from 192.0.2.7',
               '--category', 'scan')
    assert p.returncode == 0, p.stderr
    p = kizuki(uri, 'incident', 'list')
    assert p.returncode == 0, p.stderr
    assert t in p.stdout and 'Port scan' in p.stdout
    assert '2 of 2 incidents shown' in p.stdout
    p = kizuki(uri, 'incident', 'list', '--category', 'phishing')
    assert t in p.stdout and 'Port scan' not in p.stdout
    p = kizuki(uri, 'incident', 'show', t)
    assert p.returncode == 0, p.stderr
    assert '銀行を装うフィッシングサイト' in p.stdout and 'opened' in p.stdout
    p = kizuki(uri, 'incident', 'show', 'KZ-2000-000001')
    assert p.returncode == 1 and p.stderr.startswith('kizuki: ')
    # A database that is not there: a clear message, nothing created.
    p = kizuki(pg.uri_for('nosuch'), 'incident', 'list')
    assert p.returncode == 1
    assert "database 'postgresql://" in p.stderr
    assert 'does not exist' in p.stderr


def test_concurrent_first_opens_migrate_once(pg):
    uri = new_db(pg, 'race')
    procs = [subprocess.Popen([BIN, '--db', uri, 'init'],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert pg.psql('SELECT count(*) FROM schema_migrations',
                   'race').strip() == '9'


def login(srv, name='hana'):
    c = srv.client()
    assert c.login(name).status == 200
    return c


def test_session_made_on_one_works_on_the_other(pair):
    a, b = pair
    c = login(a)
    c.server = b
    r = c.get('/api/v1/me')
    assert r.status == 200 and r.json()['user']['name'] == 'hana'
    # The CSRF token of that session is good on the other server too.
    r = c.post('/api/v1/incidents', {'title': 'made through b'})
    assert r.status == 201, r
    assert c.post('/api/v1/logout').status in (200, 204)
    c.server = a
    assert c.get('/api/v1/me').status == 401


def test_incidents_lists_filters_and_totals(pair):
    a, b = pair
    ca, cb = login(a), login(b)
    made = {}
    for i, (cat, title) in enumerate([
            ('phishing', 'Zebra bank phishing'),
            ('phishing', '銀行を装うフィッシング zebra'),
            ('scan', 'Scan of zebra hosts'),
            ('dos', 'DoS on a web site')]):
        c = ca if i % 2 == 0 else cb
        r = c.post('/api/v1/incidents', {'title': title, 'category': cat,
                                         'priority': 1 + i})
        assert r.status == 201, r
        made[title] = r.json()['ticket']
    # Totals by category alone come from the counts the triggers keep.
    before = cb.get('/api/v1/incidents?category=phishing').json()['total']
    assert before >= 2
    t = made['Zebra bank phishing']
    r = cb.post('/api/v1/incidents/%s/status' % t, {'status': 'triaged'})
    assert r.status == 200, r
    r = ca.get('/api/v1/incidents?status=triaged&category=phishing')
    body = r.json()
    assert [i['ticket'] for i in body['incidents']] == [t]
    assert body['total'] == 1
    r = ca.get('/api/v1/incidents?status=new&category=phishing')
    assert r.json()['total'] == before - 1
    # Text search: ILIKE, so any case, and Japanese as well.
    r = cb.get('/api/v1/incidents?q=ZEBRA')
    got = {i['ticket'] for i in r.json()['incidents']}
    assert got == {made['Zebra bank phishing'],
                   made['銀行を装うフィッシング zebra'],
                   made['Scan of zebra hosts']}
    assert r.json()['total'] == 3
    r = ca.get('/api/v1/incidents?q=%E9%8A%80%E8%A1%8C')
    assert [i['ticket'] for i in r.json()['incidents']] == \
        [made['銀行を装うフィッシング zebra']]
    r = ca.get('/api/v1/incidents?q=zebra&priority=1-2&oldest_first=1')
    assert [i['ticket'] for i in r.json()['incidents']] == \
        [made['Zebra bank phishing'], made['銀行を装うフィッシング zebra']]
    # The timeline written through one server, read through the other.
    r = cb.post('/api/v1/incidents/%s/notes' % t, {'text': 'called the ISP'})
    assert r.status == 201
    kinds = [e['kind'] for e in
             ca.get('/api/v1/incidents/%s/timeline' % t).json()['events']]
    assert kinds[0] == 'opened' and 'status' in kinds and 'note' in kinds


def test_reports_through_either_server(pair):
    a, b = pair
    ca, cb = login(a), login(b)
    text = ('Phishing site at hxxp://bank-login[.]example/ imitating our '
            'bank. 銀行を装うフィッシングサイトです。\n')
    r = cb.post('/api/v1/reports', text, ctype='text/plain; charset=utf-8')
    assert r.status == 201, r
    t = r.json()['ticket']
    reps = ca.get('/api/v1/incidents/%s/reports' % t).json()['reports']
    assert len(reps) == 1
    one = ca.get('/api/v1/reports/%d' % reps[0]['id']).json()
    assert one['raw'] == text
    # The same report from the same reporter joins the open incident,
    # found by its fingerprint; the servers list it at once.
    scan = 'scan from 198.51.100.23 on port 22\n'
    first = json.loads(a.cli('report', 'add', '--reporter',
                             'taro@example.jp', '--json', stdin=scan).stdout)
    again = json.loads(a.cli('report', 'add', '--reporter',
                             'taro@example.jp', '--json', stdin=scan).stdout)
    assert first['action'] == 'opened' and again['action'] == 'repeat'
    assert again['ticket'] == first['ticket']
    reps = cb.get('/api/v1/incidents/%s/reports' %
                  first['ticket']).json()['reports']
    assert len(reps) == 2


def test_parallel_writes_on_both_servers(pair):
    a, b = pair
    clients = [login(a), login(b), login(a), login(b)]
    tickets, errors = [], []
    lock = threading.Lock()
    before = clients[1].get('/api/v1/incidents?category=other').json()['total']

    def work(c, k):
        for i in range(10):
            r = c.post('/api/v1/incidents', {'title': 'parallel %d-%d' %
                                             (k, i), 'category': 'other'})
            with lock:
                if r.status == 201:
                    tickets.append(r.json()['ticket'])
                else:
                    errors.append(r)

    threads = [threading.Thread(target=work, args=(c, k))
               for k, c in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors[:3]
    assert len(tickets) == 40 and len(set(tickets)) == 40
    r = clients[0].get('/api/v1/incidents?q=parallel&limit=100')
    assert r.json()['total'] == 40
    r = clients[1].get('/api/v1/incidents?category=other')
    assert r.json()['total'] == before + 40
