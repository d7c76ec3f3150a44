# SPDX-License-Identifier: MIT
"""Each user's language: set from the command line, the API and the
account page; it wins over Accept-Language for pages and for the API's
messages, a bad value is refused with nothing changed, and the page's
way back after saving never leaves the site."""
import json
import re
import urllib.parse

import pytest

from server import Server

JA_NOT_FOUND = 'は見つかりません'


@pytest.fixture(scope='module')
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp('account'))
    yield from s.serving([('aoi', 'handler'), ('ben', 'handler')])


def page_form(c, path, fields):
    body = urllib.parse.urlencode(dict(fields, csrf=c.csrf))
    return c.post(path, body, ctype='application/x-www-form-urlencoded')


def test_cli_sets_the_language_and_the_api_follows_it(srv):
    p = srv.cli('user', 'lang', 'aoi', 'ja', '--json')
    assert json.loads(p.stdout) == {'user': 'aoi', 'lang': 'ja'}
    tok = srv.cli('user', 'token', 'aoi', 'lang').stdout.strip()
    c = srv.client(token=tok)
    c.lang = 'en-US,en;q=0.9'
    assert c.get('/api/v1/me').json()['user']['lang'] == 'ja'
    r = c.get('/api/v1/incidents/KZ-2026-999999')
    assert r.status == 404
    assert JA_NOT_FOUND in r.json()['error']['message'], r
    # auto: the browser's language again
    srv.cli('user', 'lang', 'aoi', 'auto')
    r = c.get('/api/v1/incidents/KZ-2026-999999')
    assert JA_NOT_FOUND not in r.json()['error']['message'], r
    assert c.get('/api/v1/me').json()['user']['lang'] is None


def test_cli_refuses_an_unknown_language(srv):
    p = srv.cli('user', 'lang', 'aoi', 'fr', check=False)
    assert p.returncode != 0 and "unknown language 'fr'" in p.stderr
    p = srv.cli('user', 'lang', 'nobody', 'ja', check=False)
    assert p.returncode != 0 and 'nobody' in p.stderr


def test_api_patch_me(srv):
    c = srv.client()
    assert c.login('ben').status == 200
    r = c.patch('/api/v1/me', {'lang': 'ja'})
    assert r.status == 200 and r.json()['user']['lang'] == 'ja', r
    r = c.patch('/api/v1/me', {'lang': 'fr'})
    assert r.status == 400 and r.json()['error']['code'] == 'invalid', r
    r = c.patch('/api/v1/me', {'colour': 'red'})
    assert r.status == 400, r
    assert c.get('/api/v1/me').json()['user']['lang'] == 'ja'
    r = c.patch('/api/v1/me', {'lang': None})
    assert r.status == 200 and r.json()['user']['lang'] is None, r
    # without the CSRF header a session may not change it
    r = c.patch('/api/v1/me', {'lang': 'en'}, csrf=False)
    assert r.status == 403
    assert c.get('/api/v1/me').json()['user']['lang'] is None


def test_account_page_sets_the_language_of_every_page(srv):
    c = srv.client()
    c.lang = 'en'
    assert c.login('ben').status == 200
    page = c.get('/dashboard').text
    assert 'lang="en"' in page
    page = c.get('/account').text
    assert 'id="lang-form"' in page and '>ben<' in page
    r = page_form(c, '/account/lang', {'lang': 'ja'})
    assert r.status == 303
    assert r.header('Location') == '/account?done=lang'
    for path in ('/dashboard', '/incidents', '/account?done=lang'):
        page = c.get(path).text
        assert '<html lang="ja">' in page, path
    # the switch in the header is the same setting, and goes back
    r = page_form(c, '/account/lang', {'lang': 'en', 'back': '/incidents'})
    assert r.status == 303 and r.header('Location') == '/incidents'
    assert c.get('/api/v1/me').json()['user']['lang'] == 'en'
    c.lang = 'ja'
    assert '<html lang="en">' in c.get('/dashboard').text


def test_account_lang_refuses_bad_input_and_foreign_redirects(srv):
    c = srv.client()
    assert c.login('ben').status == 200
    page_form(c, '/account/lang', {'lang': 'en'})
    r = page_form(c, '/account/lang', {'lang': '<script>x</script>'})
    assert r.status == 400
    assert '<script>x</script>' not in r.text
    assert c.get('/api/v1/me').json()['user']['lang'] == 'en'
    for back in ('//evil.example/', 'http://evil.example/', '/x\r\nSet: y',
                 'javascript:alert(1)'):
        r = page_form(c, '/account/lang', {'lang': 'en', 'back': back})
        assert r.status == 303
        assert r.header('Location') == '/account?done=lang', back
    # forged CSRF: refused, nothing changed
    body = urllib.parse.urlencode({'lang': 'ja', 'csrf': '0' * 64})
    r = c.post('/account/lang', body,
               ctype='application/x-www-form-urlencoded')
    assert r.status == 403
    assert c.get('/api/v1/me').json()['user']['lang'] == 'en'


def test_switch_in_header_is_a_form_for_users_and_a_link_for_others(srv):
    c = srv.client()
    page = c.get('/report?lang=ja').text
    assert re.search(r'<a class="lang" href="/report\?lang=en"', page)
    assert c.login('ben').status == 200
    page = c.get('/dashboard').text
    assert 'action="/account/lang"' in page
    assert 'name="back" value="/dashboard"' in page
