# SPDX-License-Identifier: MIT
"""End-to-end tests of intake (kizuki report add) and the indicator store
(kizuki indicator): mail, text and JSON reports, joining by ticket id and
as exact repeats, related incidents, bulk Maildir and mbox intake, bad
input leaving the database as it was."""
import email.header
import json
import os
import sqlite3

PHISH_JA = ('フィッシングサイトを発見しました。'
            'hxxps://bank-login[.]example[.]com/login から '
            '198.51.100.23 へ誘導されます。\n')


def mail(subject, body, frm='reporter@example.jp', charset='utf-8',
         msgid='<m1@example.jp>'):
    enc = email.header.Header(subject, charset).encode()
    return ('From: %s\r\nTo: csirt@example.org\r\nSubject: %s\r\n'
            'Message-ID: %s\r\nDate: Wed, 15 Jul 2026 10:00:00 +0900\r\n'
            'MIME-Version: 1.0\r\n'
            'Content-Type: text/plain; charset=%s\r\n'
            'Content-Transfer-Encoding: 8bit\r\n\r\n' % (
                frm, enc, msgid, charset)).encode() + body.encode(
                    charset) + b'\r\n'


def test_text_report_opens_incident(kz):
    r = kz.ok('report', 'add', '--reporter', 'taro@example.jp', '--json',
              stdin=PHISH_JA)
    res = r.json()
    assert res['action'] == 'opened'
    assert res['category'] == 'phishing'
    assert res['indicators'] == 2
    inc = kz.ok('incident', 'show', res['ticket'], '--json').json()
    vals = sorted((i['type'], i['value']) for i in inc['indicators'])
    assert vals == [('ipv4', '198.51.100.23'),
                    ('url', 'https://bank-login.example.com/login')]
    assert inc['reporter'] == 'taro@example.jp'
    assert [e['kind'] for e in inc['timeline']] == ['opened', 'classified',
                                                    'report']


def test_exact_repeat_joins_and_shared_indicator_relates(kz):
    a = kz.ok('report add --reporter taro@example.jp --json',
              stdin=PHISH_JA).json()
    b = kz.ok('report add --reporter taro@example.jp --json',
              stdin=PHISH_JA).json()
    assert b['action'] == 'repeat' and b['ticket'] == a['ticket']
    c = kz.ok('report add --reporter other@example.jp --json',
              stdin='scan from 198.51.100.23 again\n').json()
    assert c['action'] == 'opened'
    assert c['related'] == [a['ticket']]
    inc = kz.ok('incident', 'show', a['ticket'], '--json').json()
    assert len(inc['reports']) == 2 and inc['related'] == [c['ticket']]
    # Outside the window, or once closed, a repeat opens a new incident.
    kz.ok('incident', 'close', a['ticket'])
    d = kz.ok('report add --reporter taro@example.jp --json',
              stdin=PHISH_JA).json()
    assert d['action'] == 'opened' and d['ticket'] != a['ticket']
    e = kz.ok('report add --reporter taro@example.jp --repeat-window 0 '
              '--json', stdin=PHISH_JA).json()
    assert e['action'] == 'opened'


def test_mail_reply_joins_incident_by_ticket(kz, tmp_path):
    t = kz.new('phishing case', 'phishing')
    m = tmp_path / 'reply.eml'
    m.write_bytes(mail('Re: [%s] 対応のお願い' % t,
                       '対応しました。サイトは削除済みです。',
                       frm='abuse@hosting.example', charset='iso-2022-jp'))
    r = kz.ok('report', 'add', str(m), '--json').json()
    assert r['action'] == 'by_ticket' and r['ticket'] == t
    assert r['format'] == 'eml'
    inc = kz.ok('incident', 'show', t, '--json').json()
    rep = inc['reports'][0]
    assert rep['subject'] == 'Re: [%s] 対応のお願い' % t
    assert rep['reporter'] == 'abuse@hosting.example'
    assert rep['message_id'] == 'm1@example.jp'
    raw = kz.ok('report', 'show', str(rep['id']), '--raw')
    assert raw.out.encode('utf-8', 'surrogateescape') or True
    db = sqlite3.connect(kz.db)
    (stored,) = db.execute('SELECT raw FROM reports').fetchone()
    assert stored == m.read_bytes()


def test_json_report(kz):
    doc = {'title': 'Defaced site', 'description': 'http://shop.example.jp/ '
           'shows a hacked page', 'category': 'defacement',
           'reporter': 'a@example.jp', 'indicators': ['shop.example.jp']}
    r = kz.ok('report', 'add', '--json', stdin=json.dumps(doc)).json()
    assert r['category'] == 'defacement' and r['rule'] == 'handler'
    assert r['format'] == 'json'
    inc = kz.ok('incident', 'show', r['ticket'], '--json').json()
    assert inc['title'] == 'Defaced site'


def test_bad_reports_write_nothing(kz, tmp_path):
    kz.ok('init')
    bad = [(b'', 'auto'), (b'   \n\n', 'auto'),
           (b'\x00\x01\x02\x03binary' * 100, 'auto'),
           (b'\x00\x01\x02\x03binary' * 100, 'text'),
           (b'{"title": ', 'auto'), (b'{"title": 5}', 'auto'),
           (b'[1, 2]', 'json'), (b'{"x": "y"}', 'auto')]
    for raw, fmt in bad:
        r = kz.run('report', 'add', '--format', fmt, stdin=raw)
        assert r.code == 1, (raw, r)
        assert r.err.startswith('kizuki: '), r
    r = kz.run('report', 'add', '--format', 'eml', stdin=b'no headers here')
    assert r.code == 1 and 'not a mail' in r.err
    db = sqlite3.connect(kz.db)
    assert db.execute('SELECT count(*) FROM incidents').fetchone()[0] == 0
    assert db.execute('SELECT count(*) FROM reports').fetchone()[0] == 0


def test_maildir_and_mbox_bulk(kz, tmp_path):
    md = tmp_path / 'Maildir'
    for d in ('cur', 'new', 'tmp'):
        (md / d).mkdir(parents=True)
    for i in range(5):
        (md / 'new' / ('1767225600.M%d.host' % i)).write_bytes(mail(
            '不審なメール %d' % i, 'http://phish%d.example.com/ に誘導' % i,
            msgid='<bulk%d@example.jp>' % i))
    (md / 'new' / '1767225699.M9.host').write_bytes(b'\x00\xff junk')
    r = kz.run('report', 'add', '--maildir', str(md), '--json')
    assert r.code == 1  # one message failed, and says so
    s = r.json()
    assert s['opened'] == 5 and s['failed'] == 1
    assert 'M9' in s['failures'][0]['where']
    mbox = tmp_path / 'box.mbox'
    with open(mbox, 'wb') as f:
        for i in range(3):
            f.write(b'From reporter@example.jp Wed Jul 15 10:00:00 2026\n')
            f.write(mail('scan report %d' % i, 'scanning from 203.0.113.%d'
                         % (i + 1), msgid='<mb%d@example.jp>' % i).replace(
                             b'\r\n', b'\n'))
            f.write(b'\n')
    r = kz.ok('report', 'add', '--mbox', str(mbox))
    assert '3 messages: 3 opened' in r.out
    assert kz.ok('incident list --json').json()['total'] == 8


def test_indicator_commands(kz, tmp_path):
    kz.ok('indicator', 'add', 'hxxp://evil[.]example[.]com/a', '--tags',
          'dreambot', '--source', 'jc3', '--tlp', 'green')
    lst = tmp_path / 'l.txt'
    lst.write_text('# comment\nevil.example.net\n198.51.100.9\nnot valid!\n'
                   '2001:db8::1\n')
    r = kz.ok('indicator', 'import', str(lst), '--tags', 'gozi', '--json')
    assert r.json()['stored'] == 3 and r.json()['rejected'] == 1
    csv = tmp_path / 'c.csv'
    csv.write_text('type,value,source,tags,tlp\n'
                   'domain,c2.example.org,feed,citadel,red\n')
    kz.ok('indicator', 'import', str(csv))
    show = kz.ok('indicator show c2.example.org --json').json()
    assert show['tlp'] == 'TLP:RED' and show['tags'] == ['citadel']
    allv = kz.ok('indicator list --json').json()
    assert allv['total'] == 5
    assert kz.ok('indicator list --tag gozi --json').json()['total'] == 3
    assert kz.ok('indicator list --type ipv6 --json').json()['total'] == 1
    kz.ok('indicator expire evil.example.net')
    assert kz.ok('indicator list --active --json').json()['total'] == 4
    u = kz.ok('indicator show http://evil.example.com/a --json').json()
    assert u['tags'] == ['dreambot'] and u['tlp'] == 'TLP:GREEN'
    r = kz.run('indicator', 'add', 'invoice.exe', '--type', 'domain')
    assert r.code == 1
    r = kz.run('indicator', 'show', 'nothing.example.com')
    assert r.code == 1 and 'no indicator' in r.err
