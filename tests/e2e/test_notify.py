# SPDX-License-Identifier: MIT
"""Notifications end to end: kizuki sends through a real SMTP server on
loopback (Debian's python3-aiosmtpd with tests/e2e/smtp_sink.py), and what
arrives is parsed with Python's email package: subjects, ticket ids,
languages, the X-ARF part, the IODEF part against the RFC 7970 schema.
Also: the server down (mail stays queued, then goes exactly once), a
refused recipient, a bounce and a reply taken in through intake, bulk
mail per party and the result to the reporter."""
import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from conftest import DATA, ROOT

HERE = os.path.dirname(os.path.abspath(__file__))
XSD = os.path.join(DATA, 'iodef', 'iodef-2.0.xsd')
TEAM = ['--from', 'csirt@csirt.example', '--team', 'Example CSIRT']

pytestmark = pytest.mark.skipif(
    subprocess.run(['/usr/bin/python3', '-c', 'import aiosmtpd'],
                   capture_output=True).returncode != 0,
    reason='python3-aiosmtpd is not installed')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """aiosmtpd in a subprocess; always stopped by the fixture."""

    def __init__(self, tmp, port, reject=''):
        self.port = port
        self.dir = str(tmp / 'mail')
        self.reject = reject
        self.proc = None
        os.makedirs(self.dir, exist_ok=True)

    def start(self):
        env = dict(os.environ, PYTHONPATH=HERE)
        args = ['/usr/bin/python3', '-m', 'aiosmtpd', '-n', '-l',
                '127.0.0.1:%d' % self.port, '-c', 'smtp_sink.Sink',
                self.dir]
        if self.reject:
            args.append(self.reject)
        self.proc = subprocess.Popen(args, env=env,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', self.port),
                                         timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError('the SMTP server did not start')

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def messages(self):
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith('.eml'):
                with open(os.path.join(self.dir, name), 'rb') as f:
                    out.append(email.message_from_bytes(
                        f.read(), policy=email.policy.default))
        return out


@pytest.fixture
def smtp(tmp_path):
    srv = Server(tmp_path, free_port(), reject='nobody@isp.example')
    yield srv
    srv.stop()


def setup_incident(kz, category='phishing'):
    kz.ok('init')
    t = kz.new('偽の銀行ログインページ', category)
    kz.ok('indicator', 'add', 'http://bad.example.jp/login', '--incident', t)
    kz.ok('indicator', 'add', '192.0.2.10', '--incident', t)
    return t


def send(kz, smtp, *args):
    return kz.run('contact', 'send', *args, *TEAM, '--smtp',
                  'smtp://127.0.0.1:%d' % smtp.port, '--starttls', 'none')


def contacts(kz, *args):
    return kz.ok('--json', 'contact', 'list', *args).json()


def attachments(msg):
    return {p.get_filename(): p.get_content()
            for p in msg.iter_attachments()}


def validate_iodef(tmp_path, data):
    path = tmp_path / 'iodef.xml'
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    p = subprocess.run(['xmllint', '--noout', '--nonet', '--schema', XSD,
                        str(path)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_preview_without_send(kz, smtp):
    t = setup_incident(kz)
    r = kz.ok('contact', 'send', t, '--to', 'abuse@isp.example',
              '--notify-lang', 'ja', *TEAM)
    msg = email.message_from_string(r.out, policy=email.policy.default)
    assert t in msg['Subject']
    assert 'フィッシングサイトの停止' in msg['Subject']
    assert contacts(kz) == []


def test_send_ja_en_with_machine_parts(kz, smtp, tmp_path):
    smtp.start()
    t = setup_incident(kz)
    r = send(kz, smtp, t, '--to', 'abuse@isp.example',
             '--notify-lang', 'ja+en', '--send')
    assert r.code == 0, r
    got = smtp.messages()
    assert len(got) == 1
    msg = got[0]
    assert msg['X-Envelope-To'] == 'abuse@isp.example'
    assert msg['Subject'].startswith('[%s]' % t)
    assert 'Request to take down' in msg['Subject']
    assert msg['Message-ID'].startswith('<%s.' % t)
    body = msg.get_body(('plain',)).get_content()
    assert body.index('お世話になっております') < body.index('This is Example')
    assert 'http://bad.example.jp/login' in body
    parts = attachments(msg)
    xarf = [json.loads(v) for k, v in parts.items() if k.startswith('xarf')]
    assert len(xarf) == 2
    assert {x['category'] for x in xarf} == {'content'}
    assert {x['type'] for x in xarf} == {'phishing'}
    assert {x['source_identifier'] for x in xarf} == {'bad.example.jp',
                                                     '192.0.2.10'}
    assert all('ticket:%s' % t in x['tags'] for x in xarf)
    validate_iodef(tmp_path, parts['iodef.xml'])
    c = contacts(kz, t)
    assert [x['state'] for x in c] == ['sent']
    shown = kz.ok('incident', 'show', t, '--json').out
    assert 'coordinating' in shown


def test_english_only_other_category(kz, smtp, tmp_path):
    smtp.start()
    t = setup_incident(kz, 'scan')
    r = send(kz, smtp, t, '--to', 'abuse@isp.example', '--notify-lang',
             'en', '--format', 'iodef', '--send')
    assert r.code == 0, r
    msg = smtp.messages()[0]
    assert msg['Subject'] == '[%s] Scanning activity from your network' % t
    body = msg.get_body(('plain',)).get_content()
    assert 'お世話' not in body
    assert list(attachments(msg)) == ['iodef.xml']


def test_refused_recipient(kz, smtp):
    smtp.start()
    t = setup_incident(kz)
    r = send(kz, smtp, t, '--to', 'nobody@isp.example', '--send')
    assert r.code == 0, r
    [c] = contacts(kz, t)
    assert c['state'] == 'failed'
    assert '550' in c['last_error']
    assert 'Recipient address rejected' in c['last_error']
    assert smtp.messages() == []


def test_outage_then_exactly_once(kz, smtp):
    t = setup_incident(kz)
    t2 = kz.new('another phishing site', 'phishing')
    kz.ok('indicator', 'add', 'http://evil.example.net/', '--incident', t2)
    for ticket in (t, t2):
        r = send(kz, smtp, ticket, '--to', 'abuse@isp.example', '--send')
        assert r.code == 0, r
    c = contacts(kz)
    assert [x['state'] for x in c] == ['queued', 'queued']
    assert all(x['last_error'] for x in c)
    assert all(x['attempts'] == 1 for x in c)
    smtp.start()
    url = 'smtp://127.0.0.1:%d' % smtp.port
    # not due yet: the backoff holds them
    kz.ok('outbox', 'run', '--once', '--smtp', url, '--starttls', 'none',
          *TEAM[:2])
    assert smtp.messages() == []
    later = {'KIZUKI_NOW': time.strftime('%Y-%m-%dT%H:%M:%SZ',
                                         time.gmtime(time.time() + 3600))}
    for _ in range(3):
        kz.ok('outbox', 'run', '--once', '--smtp', url, '--starttls',
              'none', *TEAM[:2], env=later)
    got = smtp.messages()
    assert len(got) == 2
    assert sorted(m['Message-ID'] for m in got) == sorted(
        '<%s>' % x['message_id'] for x in c)
    assert [x['state'] for x in contacts(kz)] == ['sent', 'sent']


def report(kz, raw):
    return kz.run('report', 'add', '-', stdin=raw.encode())


def test_reply_marks_replied(kz, smtp):
    smtp.start()
    t = setup_incident(kz)
    assert send(kz, smtp, t, '--to', 'abuse@isp.example', '--send').code == 0
    [c] = contacts(kz, t)
    raw = ('From: Abuse Desk <abuse@isp.example>\n'
           'To: csirt@csirt.example\n'
           'Subject: Re: something\n'
           'Message-ID: <reply1@isp.example>\n'
           'In-Reply-To: <%s>\n\nThe site is down now.\n') % c['message_id']
    r = report(kz, raw)
    assert r.code == 0, r
    assert r.out.strip() == t
    [c] = contacts(kz, t)
    assert c['state'] == 'replied'
    shown = kz.ok('incident', 'show', t, '--json').out
    assert '"reply"' in shown


def test_bounce_marks_failed(kz, smtp):
    smtp.start()
    t = setup_incident(kz)
    assert send(kz, smtp, t, '--to', 'abuse@isp.example', '--send').code == 0
    [c] = contacts(kz, t)
    raw = ('From: MAILER-DAEMON@mx.isp.example\n'
           'To: csirt@csirt.example\n'
           'Subject: Undelivered Mail Returned to Sender\n'
           'Message-ID: <dsn1@mx.isp.example>\n'
           'MIME-Version: 1.0\n'
           'Content-Type: multipart/report; report-type=delivery-status;'
           ' boundary="BB"\n\n'
           '--BB\nContent-Type: text/plain\n\nI could not deliver it.\n'
           '--BB\nContent-Type: message/delivery-status\n\n'
           'Reporting-MTA: dns; mx.isp.example\n\n'
           'Final-Recipient: rfc822; abuse@isp.example\n'
           'Action: failed\nStatus: 5.1.1\n'
           'Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n'
           '--BB\nContent-Type: text/rfc822-headers\n\n'
           'Message-ID: <%s>\nSubject: [%s] x\n\n--BB--\n') % (
               c['message_id'], t)
    r = report(kz, raw)
    assert r.code == 0, r
    [c] = contacts(kz, t)
    assert c['state'] == 'failed'
    assert '5.1.1' in c['last_error']


def test_bulk_one_mail_per_party(kz, smtp, tmp_path):
    smtp.start()
    kz.ok('init')
    t = kz.new('改ざんされた多数のサイト', 'defacement')
    kz.ok('org', 'add', '--name', 'Hosting A', '--kind', 'hosting',
          '--notify-lang', 'ja', '--contact', 'abuse@hosting-a.jp',
          '--netblock', '198.51.100.0/24', '--domain', 'hosting-a.jp')
    kz.ok('org', 'add', '--name', 'Hosting B', '--kind', 'hosting',
          '--notify-lang', 'en', '--contact', 'abuse@hosting-b.com',
          '--domain', 'hosting-b.com')
    # An address no org owns goes to the imported abuse contact; one
    # that nothing covers is named as unrouted.
    abuse = tmp_path / 'abuse.csv'
    abuse.write_text('key,address\n203.0.113.0/24,abuse@transit.example\n')
    kz.ok('abuse', 'import', str(abuse))
    sites = ['http://site%d.hosting-a.jp/' % i for i in range(5)] + \
        ['http://198.51.100.%d/' % i for i in range(1, 4)] + \
        ['http://shop%d.hosting-b.com/' % i for i in range(3)] + \
        ['http://203.0.113.7/kit/']
    f = tmp_path / 'sites.txt'
    f.write_text('\n'.join(sites) + '\n')
    r = kz.run('contact', 'bulk', t, '--indicators', str(f), '--send',
               *TEAM, '--smtp', 'smtp://127.0.0.1:%d' % smtp.port,
               '--starttls', 'none')
    assert r.code == 0, r
    got = smtp.messages()
    assert sorted(m['X-Envelope-To'] for m in got) == [
        'abuse@hosting-a.jp', 'abuse@hosting-b.com', 'abuse@transit.example']
    for m in got:
        body = m.get_body(('plain',)).get_content()
        if m['X-Envelope-To'] == 'abuse@hosting-a.jp':
            assert 'Web サイト改ざん' in m['Subject']
            assert body.count('http://') == 8
        elif m['X-Envelope-To'] == 'abuse@transit.example':
            assert 'http://203.0.113.7/kit/' in body
        else:
            assert 'defaced' in m['Subject']
            assert body.count('http://shop') == 3


def test_result_closes(kz, smtp):
    smtp.start()
    kz.ok('init')
    raw = ('From: finder@example.org\nTo: csirt@csirt.example\n'
           'Subject: phishing site found\nMessage-ID: <f1@example.org>\n\n'
           'http://bad.example.jp/login is a phishing site.\n')
    r = report(kz, raw)
    assert r.code == 0, r
    t = r.out.strip()
    kz.ok('incident', 'update', t, '--status', 'triaged')
    r = kz.run('contact', 'result', t, '--result', 'サイトは削除されました。',
               '--send', *TEAM, '--smtp',
               'smtp://127.0.0.1:%d' % smtp.port, '--starttls', 'none')
    assert r.code == 0, r
    [m] = smtp.messages()
    assert m['X-Envelope-To'] == 'finder@example.org'
    assert t in m['Subject']
    assert 'サイトは削除されました。' in m.get_body(('plain',)).get_content()
    assert '"closed"' in kz.ok('incident', 'show', t, '--json').out


def test_bad_template_dir(kz, smtp, tmp_path):
    t = setup_incident(kz)
    d = tmp_path / 'tpl'
    d.mkdir()
    (d / 'notify.en.txt').write_text('Subject: [{{ticket}}]\n\n{{tikcet}}\n')
    r = kz.run('contact', 'send', t, '--to', 'abuse@isp.example',
               '--templates', str(d), *TEAM)
    assert r.code == 1
    assert "template 'notify.en.txt' line 3: unknown placeholder " \
        "'tikcet'" in r.err


def test_tlp_red_goes_only_to_named_recipients(kz, smtp):
    t = setup_incident(kz)
    kz.ok('incident', 'update', t, '--tlp', 'red')
    kz.ok('org', 'add', '--name', 'ISP A', '--kind', 'isp', '--contact',
          'abuse@isp-a.example')
    for to in ('abuse@isp.example', 'ISP A'):
        r = kz.run('contact', 'send', t, '--to', to, *TEAM)
        assert r.code == 1 and 'TLP:RED' in r.err, r
    assert contacts(kz) == []
    kz.ok('incident', 'link-org', t, 'ISP A', '--role', 'recipient')
    r = kz.ok('contact', 'send', t, '--to', 'ISP A', *TEAM)
    assert t in r.out
