# SPDX-License-Identifier: MIT
"""The notify dialog of the incident page and its API, end to end: a
handler previews the notice (the whole mail, nothing sent), sends it, and
a real SMTP server on loopback receives exactly what was shown, through
the server's own outbox thread. TLP:RED to an org that is not a recipient,
a missing team address, a bad address and a missing CSRF token are
refused with the reason and nothing queued."""
import email
import email.policy
import html
import json
import re
import time
import urllib.parse

import pytest

from server import Server
from test_notify import Server as SmtpServer
from test_notify import attachments, free_port, pytestmark  # noqa: F401


def unescape_pre(page, ident):
    m = re.search(r'<pre class="mail" id="%s">(.*?)</pre>' % ident, page,
                  re.S)
    assert m, page[:3000]
    return html.unescape(m.group(1))


def wait_for(pred, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return pred()


@pytest.fixture(scope='module')
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('notify-web')
    smtp = SmtpServer(tmp, free_port())
    smtp.start()
    ini = tmp / 'kizuki.ini'
    ini.write_text('[team]\nname = Example CSIRT\nemail = csirt@csirt.example\n'
                   '[smtp]\nurl = smtp://127.0.0.1:%d\nstarttls = none\n'
                   '[contact]\nremind_days = 5\n[server]\n'
                   'deliver_interval = 2\n' % smtp.port)
    srv = Server(tmp, args=['--config', str(ini)])
    srv.cli('init')
    srv.cli('org', 'add', '--name', 'isp-a', '--kind', 'isp', '--contact',
            'abuse@isp.example', '--notify-lang', 'ja')
    srv.cli('org', 'add', '--name', 'isp-b', '--kind', 'isp')
    srv.add_user('hana', 'handler')
    srv.add_user('mem', 'member', 'isp-a')
    srv.start()
    w = type('World', (), {})()
    w.srv, w.smtp = srv, smtp
    w.ticket = new_incident(srv, 'amber')
    yield w
    srv.stop()
    smtp.stop()


def new_incident(srv, tlp, link='concerned'):
    out = srv.cli('--json', 'incident', 'new', '--title',
                  'Phishing site imitating a bank', '--category',
                  'phishing', '--tlp', tlp).stdout
    t = re.search(r'"ticket":\s*"([^"]+)"', out).group(1)
    srv.cli('indicator', 'add', 'http://bad.example.jp/login', '--incident',
            t)
    srv.cli('incident', 'link-org', t, 'isp-a', '--role', link)
    return t


def handler(w):
    c = w.srv.client()
    assert c.login('hana').status == 200
    return c


def send_form(c, t, fields, csrf=True):
    f = dict(fields)
    if csrf:
        f['csrf'] = c.csrf
    return c.post('/incidents/%s/notify' % t, urllib.parse.urlencode(f),
                  ctype='application/x-www-form-urlencoded')


def contacts(w, t):
    return json.loads(w.srv.cli('--json', 'contact', 'list', t).stdout)


def test_dialog_preview_then_send_delivers_what_was_shown(world):
    w, t = world, world.ticket
    c = handler(w)
    page = c.get('/incidents/' + t).text
    assert 'id="notify-form"' in page
    assert '<option value="isp-a">isp-a (' in page
    r = c.get('/incidents/%s/notify?org=isp-a&lang=&format=' % t)
    assert r.status == 200, r
    page = r.text
    assert 'id="notify-error"' not in page
    assert '<td id="notice-to">abuse@isp.example</td>' in page
    subject = html.unescape(
        re.search(r'id="notice-subject">(.*?)</td>', page).group(1))
    assert subject.startswith('[%s]' % t)
    body = unescape_pre(page, 'notice-body')
    assert 'http://bad.example.jp/login' in body
    assert 'お世話になっております' in body  # the org's language: ja
    assert 'id="notify-send"' in page
    # a preview sends and queues nothing
    time.sleep(0.5)
    assert w.smtp.messages() == []
    assert contacts(w, t) == []
    r = send_form(c, t, {'org': 'isp-a', 'lang': '', 'format': '',
                         'address': ''})
    assert r.status == 303, r
    assert r.header('Location') == '/incidents/%s?done=notify' % t
    got = wait_for(w.smtp.messages)
    assert len(got) == 1
    msg = got[0]
    assert msg['X-Envelope-To'] == 'abuse@isp.example'
    assert msg['Subject'] == subject
    assert msg['From'].addresses[0].addr_spec == 'csirt@csirt.example'
    sent = msg.get_body(('plain',)).get_content()
    assert sent.replace('\r\n', '\n').strip() == body.strip()
    assert {'iodef.xml'} <= set(attachments(msg))
    assert wait_for(lambda: [x['state'] for x in contacts(w, t)] == ['sent'])
    page = c.get('/incidents/%s?done=notify' % t).text
    assert 'abuse@isp.example' in page  # the contact in the timeline


def test_api_preview_and_send(world):
    w = world
    t = new_incident(w.srv, 'green')
    tok = w.srv.cli('user', 'token', 'hana', 'notify').stdout.strip()
    c = w.srv.client(token=tok)
    r = c.post('/api/v1/incidents/%s/notify' % t,
               {'to': 'soc@bank.example', 'lang': 'en', 'format': 'xarf'})
    assert r.status == 200, r
    j = r.json()
    assert j['recipient'] == 'soc@bank.example'
    assert j['subject'].startswith('[%s]' % t)
    assert 'http://bad.example.jp/login' in j['body']
    assert 'Content-Type: multipart/mixed' in j['raw']
    before = len(w.smtp.messages())
    r = c.post('/api/v1/incidents/%s/notify' % t,
               {'to': 'isp-a', 'send': True})
    assert r.status == 201, r
    assert r.json()['contact']['recipient'] == 'abuse@isp.example'
    assert wait_for(lambda: len(w.smtp.messages()) == before + 1)
    # bad input: unknown key, org without address, unknown org
    for body, want in (({'to': 'isp-a', 'colour': 1}, 'colour'),
                       ({'to': 'isp-b'}, 'no contact address'),
                       ({'to': 'no-such-org'}, 'no-such-org'),
                       ({'to': 'isp-a', 'lang': 'fr'}, 'fr'),
                       ({}, "'to'")):
        r = c.post('/api/v1/incidents/%s/notify' % t, body)
        assert r.status == 400, (body, r)
        assert want in r.json()['error']['message'], (body, r)
    # members may not notify
    mtok = w.srv.cli('user', 'token', 'mem', 'm').stdout.strip()
    r = w.srv.client(token=mtok).post(
        '/api/v1/incidents/%s/notify' % t, {'to': 'isp-a', 'send': True})
    assert r.status in (403, 404), r


def test_red_goes_only_to_a_recipient(world):
    w = world
    t = new_incident(w.srv, 'red', link='concerned')
    c = handler(w)
    r = c.get('/incidents/%s/notify?org=isp-a' % t)
    assert r.status == 403, r
    assert 'id="notify-error"' in r.text and 'TLP:RED' in r.text
    assert 'id="notify-send"' not in r.text
    r = send_form(c, t, {'org': 'isp-a'})
    assert r.status == 403
    r = send_form(c, t, {'address': 'abuse@isp.example'})
    assert r.status == 403
    assert contacts(w, t) == []
    w.srv.cli('incident', 'link-org', t, 'isp-a', '--role', 'recipient')
    r = c.get('/incidents/%s/notify?org=isp-a' % t)
    assert r.status == 200 and 'id="notify-send"' in r.text, r


def test_bad_address_csrf_and_script_come_back_refused(world):
    w, t = world, world.ticket
    c = handler(w)
    n = contacts(w, t)
    r = c.get('/incidents/%s/notify?address=%s' % (
        t, urllib.parse.quote('<script>alert(1)</script>')))
    assert r.status == 400, r
    assert '<script>alert(1)</script>' not in r.text
    assert '&lt;script&gt;' in r.text
    r = send_form(c, t, {'address': 'x@isp.example'}, csrf=False)
    assert r.status == 403
    r = c.get('/incidents/%s/notify?org=' % t)
    assert r.status == 200 and 'id="notify-send"' not in r.text
    assert contacts(w, t) == n


def test_without_team_address_the_dialog_says_what_to_set(tmp_path):
    srv = Server(tmp_path)
    srv.cli('init')
    srv.add_user('hana', 'handler')
    srv.start()
    try:
        out = srv.cli('--json', 'incident', 'new', '--title', 'x',
                      '--category', 'scan').stdout
        t = re.search(r'"ticket":\s*"([^"]+)"', out).group(1)
        c = srv.client()
        assert c.login('hana').status == 200
        r = c.get('/incidents/%s/notify?address=abuse@isp.example' % t)
        assert r.status == 400
        assert 'KIZUKI_TEAM_EMAIL' in r.text
        assert 'kizuki outbox run' not in r.text
    finally:
        srv.stop()
