# SPDX-License-Identifier: MIT
"""Two kizuki serve processes on one database, as behind a load balancer:
a session made on one works on the other, and the public report form
served by one is accepted by the other (the form key is shared through
the database), while a token signed with another key is refused."""
import re
import time
import urllib.parse

import pytest

from server import Server


@pytest.fixture(scope='module')
def pair(tmp_path_factory):
    a = Server(tmp_path_factory.mktemp('srv-a'))
    a.cli('init')
    a.add_user('hana', 'handler')
    a.start()
    b = Server(tmp_path_factory.mktemp('srv-b'), env={'KIZUKI_DB': a.db})
    b.start()
    yield a, b
    b.stop()
    a.stop()


def form_token(srv):
    page = srv.client().get('/report').text
    return re.search(r'name="ft" value="([^"]+)"', page).group(1)


def submit(srv, ft, title):
    body = urllib.parse.urlencode({
        'ft': ft, 'lang': 'en', 'title': title, 'category': 'phishing',
        'description': 'a fake bank at http://evil.example.com/',
        'indicators': '', 'contact': 'someone@example.org', 'website': ''})
    return srv.client().post('/report', body,
                             ctype='application/x-www-form-urlencoded')


def test_form_from_one_is_accepted_by_the_other(pair):
    a, b = pair
    ft = form_token(a)
    time.sleep(2.1)  # the form's minimum age
    r = submit(b, ft, 'sent through the other server')
    assert r.status in (200, 303), r
    out = a.cli('incident', 'list').stdout
    assert 'sent through the other server' in out


def test_forged_token_is_refused(pair):
    a, b = pair
    t, mac = form_token(a).split('.')
    forged = '%s.%s' % (t, ('0' if mac[0] != '0' else '1') + mac[1:])
    time.sleep(2.1)
    r = submit(b, forged, 'forged form')
    assert r.status == 400, r
    assert 'forged form' not in a.cli('incident', 'list').stdout


def test_session_made_on_one_works_on_the_other(pair):
    a, b = pair
    c = a.client()
    assert c.login('hana').status == 200
    c.server = b
    r = c.get('/api/v1/me')
    assert r.status == 200 and r.json()['user']['name'] == 'hana'
