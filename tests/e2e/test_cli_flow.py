# SPDX-License-Identifier: MIT
"""End-to-end tests of the incident handling flow from the command line,
against a real SQLite file: every command with and without --json, bad
input leaving the database as it was, and two processes writing at once."""
import json
import os
import sqlite3
import subprocess

from conftest import BIN


def test_full_handling_flow(kz):
    t = kz.new('Phishing site imitating Example Bank', 'phishing',
               '--priority', '2', '--tlp', 'amber', '--reporter',
               'reporter@example.jp')
    assert t.startswith('KZ-') and len(t) == len('KZ-2026-000001')
    kz.ok('incident', 'update', t, '--status', 'triaged', '--note',
          '受付・状況把握')
    kz.ok('incident', 'assign', t, 'suzuki')
    kz.ok('incident', 'update', t, '--stage', 'intrusion', '--priority', '1')
    kz.ok('incident', 'update', t, '--status', 'coordinating')
    kz.ok('incident', 'note', t, 'ホスティング事業者に連絡しました')
    kz.ok('incident', 'update', t, '--status', 'waiting')
    kz.ok('incident', 'update', t, '--status', 'resolved')
    kz.ok('incident', 'close', t, '--note', '結果連絡済み')
    inc = kz.ok('incident', 'show', t, '--json').json()
    assert inc['status'] == 'closed'
    assert inc['assignee'] == 'suzuki'
    assert inc['priority'] == 1
    assert inc['stage'] == 'intrusion'
    assert inc['coordinated'] is True
    assert inc['closed_at'] is not None
    kinds = [e['kind'] for e in inc['timeline']]
    assert kinds == ['opened', 'status', 'assign', 'update', 'status',
                     'note', 'status', 'status', 'status']
    assert inc['timeline'][1]['data'] == {'from': 'new', 'to': 'triaged'}
    assert inc['timeline'][1]['text'] == '受付・状況把握'
    assert inc['timeline'][3]['data']['priority'] == {'from': 2, 'to': 1}
    assert all(e['actor'] == 'tester' for e in inc['timeline'])
    # Reopen goes back to triaged and clears the closing time.
    r = kz.ok('incident', 'reopen', t, '--json').json()
    assert r['status'] == 'triaged' and r['closed_at'] is None
    text = kz.ok('incident', 'show', t).out
    assert 'closed → triaged' in text


def test_json_shapes_are_stable(kz):
    t = kz.new('x', 'scan')
    inc = kz.ok('incident', 'show', t, '--json').json()
    assert list(inc) == ['ticket', 'title', 'description', 'category',
                         'rsit', 'status', 'priority', 'tlp', 'stage',
                         'assignee', 'reporter', 'coordinated', 'created_at',
                         'updated_at', 'closed_at', 'reports', 'indicators',
                         'related', 'timeline']
    assert inc['tlp'] == 'TLP:AMBER'
    assert inc['rsit'] == 'information-gathering/scanner'
    lst = kz.ok('incident', 'list', '--json').json()
    assert list(lst) == ['total', 'offset', 'limit', 'incidents']
    new = kz.ok('incident', 'new', '--title', 'y', '--json').json()
    assert new['ticket'] == 'KZ-%s-000002' % t.split('-')[1]
    orgs = kz.ok('org', 'list', '--json').json()
    assert orgs == {'orgs': []}
    stats = kz.ok('stats', '--json').json()
    assert {'from', 'to', 'reports', 'incidents', 'coordinated', 'closed',
            'median_close_seconds', 'by_category', 'by_status'} <= set(stats)


def test_list_filters(kz):
    env = {'KIZUKI_NOW': '2026-07-01T00:00:00Z'}
    kz.ok('incident new --title a --category scan --priority 1', env=env)
    env = {'KIZUKI_NOW': '2026-08-01T00:00:00Z'}
    kz.ok('incident new --title b --category phishing --priority 3',
          env=env)
    kz.ok('incident new --title c --category phishing --priority 5 '
          '--assignee sato', env=env)
    kz.ok('incident update KZ-2026-000002 --status rejected', env=env)

    def tickets(args):
        r = kz.ok('incident list --json ' + args)
        return [i['ticket'][-1] for i in r.json()['incidents']]

    assert tickets('') == ['3', '2', '1']
    assert tickets('--oldest-first') == ['1', '2', '3']
    assert tickets('--category phishing') == ['3', '2']
    assert tickets('--category scan,phishing --status new') == ['3', '1']
    assert tickets('--open') == ['3', '1']
    assert tickets('--assignee sato') == ['3']
    assert tickets('--assignee -') == ['2', '1']
    assert tickets('--priority 1-3') == ['2', '1']
    assert tickets('--priority 5') == ['3']
    assert tickets('--since 2026-07-15') == ['3', '2']
    assert tickets('--until 2026-07-15') == ['1']
    assert tickets('--limit 1 --offset 1') == ['2']
    assert kz.ok('incident list --limit 1 --json').json()['total'] == 3
    assert 'more with --offset 1' in kz.ok('incident list --limit 1').out


def test_stats_period_counts(kz):
    env = {'KIZUKI_NOW': '2026-07-10T00:00:00Z'}
    for cat in ['scan'] * 5 + ['phishing'] * 3 + ['defacement'] * 2:
        kz.ok('incident', 'new', '--title', cat, '--category', cat, env=env)
    kz.ok('incident update KZ-2026-000001 --status coordinating', env=env)
    kz.ok('incident close KZ-2026-000001',
          env={'KIZUKI_NOW': '2026-07-12T00:00:00Z'})
    kz.ok('incident close KZ-2026-000002',
          env={'KIZUKI_NOW': '2026-07-14T00:00:00Z'})
    kz.ok('incident new --title late --category dos',
          env={'KIZUKI_NOW': '2026-10-02T00:00:00Z'})
    s = kz.ok('stats --period 2026Q3 --json').json()
    assert s['incidents'] == 10
    assert s['coordinated'] == 1
    assert s['closed'] == 2
    assert s['median_close_seconds'] == 3 * 86400  # 2 days and 4 days
    cats = {c['category']: (c['count'], c['percent'])
            for c in s['by_category']}
    assert cats['scan'] == (5, 50.0)
    assert cats['dos'] == (0, 0.0)
    st = {c['status']: c['count'] for c in s['by_status']}
    assert st['closed'] == 2 and st['new'] == 8
    assert kz.ok('stats --period 2026-10 --json').json()['incidents'] == 1
    assert kz.ok('stats --from 2026-07-11 --to 2026-10-03 --json'
                 ).json()['incidents'] == 1
    assert kz.ok('stats --period 2026 --json').json()['incidents'] == 11
    table = kz.ok('stats --period 2026Q3').out
    assert 'needed coordination' in table and '50.0%' in table
    ja = kz.ok('--lang ja stats --period 2026Q3').out
    assert '調整' in ja


def test_report_kept_verbatim(kz, tmp_path):
    raw = b'Subject: test\r\n\r\n\xff\xfe binary \x00 bytes\r\n'
    f = tmp_path / 'r.eml'
    f.write_bytes(raw)
    t = kz.new('with report', 'phishing', '--report', str(f))
    inc = kz.ok('incident', 'show', t, '--json').json()
    assert len(inc['reports']) == 1
    assert inc['reports'][0]['size'] == len(raw)
    db = sqlite3.connect(kz.db)
    (stored,) = db.execute('SELECT raw FROM reports').fetchone()
    assert stored == raw
    s = kz.ok('stats --json').json()
    assert s['reports'] == 1


def test_timeline_is_append_only(kz):
    kz.new('x')
    db = sqlite3.connect(kz.db)
    for sql in ('UPDATE events SET text = 1', 'DELETE FROM events'):
        try:
            db.execute(sql)
            assert False, 'events changed'
        except sqlite3.DatabaseError as e:
            assert 'append-only' in str(e)


def count_rows(db):
    c = sqlite3.connect(db)
    return [c.execute('SELECT count(*) FROM %s' % t).fetchone()[0]
            for t in ('incidents', 'events', 'orgs', 'reports')]


def test_bad_input_writes_nothing(kz, tmp_path):
    t = kz.new('x')
    before = count_rows(kz.db)
    bad = [
        ['incident', 'new', '--title', 'y', '--category', 'nosuch'],
        ['incident', 'new', '--title', ''],
        ['incident', 'new', '--title', 'y', '--report',
         str(tmp_path / 'missing')],
        ['incident', 'update', t, '--status', 'waiting'],
        ['incident', 'update', t, '--priority', '0'],
        ['incident', 'update', t, '--title', 'ok', '--status', 'waiting'],
        ['incident', 'note', 'KZ-2026-000099', 'n'],
        ['org', 'add', '--name', 'o', '--kind', 'isp', '--contact',
         'abuse@ok.example', '--netblock', 'not-a-net'],
        ['org', 'add', '--name', 'o', '--kind', 'isp', '--asn', 'AS-1'],
        ['org', 'add', '--name', 'o', '--kind', 'isp', '--domain', 'a..b'],
    ]
    for args in bad:
        r = kz.run(*args)
        assert r.code == 1, (args, r)
        assert r.err.startswith('kizuki: '), r
    assert count_rows(kz.db) == before
    # The combined update was refused whole: the title did not change.
    assert kz.ok('incident', 'show', t, '--json').json()['title'] == 'x'


def test_import_all_or_nothing(kz, tmp_path):
    good = tmp_path / 'good.jsonl'
    good.write_text('\n'.join([
        json.dumps({'title': 'old case', 'category': 'defacement',
                    'status': 'closed', 'created_at': '2025-05-01T00:00:00Z',
                    'closed_at': '2025-05-03T00:00:00Z', 'coordinated': True,
                    'timeline': [{'at': '2025-05-02T00:00:00Z',
                                  'kind': 'note', 'text': '連絡済み'}]}),
        json.dumps({'title': 'open case', 'category': 'scan'}),
    ]) + '\n')
    r = kz.ok('incident', 'import', str(good), '--json')
    assert r.json() == {'imported': 2}
    inc = kz.ok('incident show KZ-2025-000001 --json').json()
    assert inc['status'] == 'closed'
    assert [e['kind'] for e in inc['timeline']] == ['imported', 'note']
    s = kz.ok('stats --period 2025 --json').json()
    assert s['closed'] == 1 and s['median_close_seconds'] == 2 * 86400
    before = count_rows(kz.db)
    bad = tmp_path / 'bad.jsonl'
    bad.write_text(json.dumps({'title': 'fine'}) + '\n' + '{"title": \n')
    r = kz.run('incident', 'import', str(bad))
    assert r.code == 1
    assert 'bad.jsonl:2: malformed JSON' in r.err
    assert count_rows(kz.db) == before


def test_org_lifecycle(kz):
    r = kz.ok('org', 'add', '--name', 'Example Hosting', '--kind', 'hosting',
              '--contact', 'abuse@hosting.example', '--netblock',
              '198.51.100.0/24', '--asn', '64500', '--domain',
              'hosting.example', '--json').json()
    assert r['asns'] == [64500] and r['netblocks'] == ['198.51.100.0/24']
    r = kz.run('org', 'add', '--name', 'Example Hosting', '--kind', 'isp')
    assert r.code == 1 and 'exists already' in r.err
    kz.ok('org', 'update', 'Example Hosting', '--contact',
          'noc@hosting.example', '--remove-contact', 'abuse@hosting.example',
          '--domain', '例え.テスト', '--notify-lang', 'ja')
    o = kz.ok('org', 'show', 'Example Hosting', '--json').json()
    assert o['contacts'] == ['noc@hosting.example']
    assert o['domains'] == ['hosting.example', 'xn--r8jz45g.xn--zckzah']
    assert o['lang'] == 'ja'
    r = kz.run('org', 'update', 'Example Hosting', '--remove-asn', '1')
    assert r.code == 1 and 'no AS1' in r.err
    kz.ok('org add --name JPCERT --kind csirt --country JP')
    names = [o['name'] for o in kz.ok('org list --json').json()['orgs']]
    assert names == ['Example Hosting', 'JPCERT']
    assert [o['name'] for o in kz.ok('org list --kind csirt --json'
                                     ).json()['orgs']] == ['JPCERT']
    kz.ok('org', 'update', 'JPCERT', '--name', 'JPCERT/CC')
    assert 'JPCERT/CC' in kz.ok('org list').out


def test_help_everywhere(kz):
    for args in (['--help'], ['help'], ['help', 'incident'],
                 ['incident', '--help'], ['org', '--help'],
                 ['stats', '--help'], ['init', '--help']):
        r = kz.ok(*args)
        assert 'usage' in r.out.lower(), (args, r)
    for verb in ('new', 'list', 'show', 'update', 'assign', 'note', 'close',
                 'reopen', 'import'):
        assert 'usage: kizuki incident ' + verb in kz.ok(
            'incident', verb, '--help').out
    for verb in ('add', 'list', 'show', 'update'):
        assert 'usage: kizuki org ' + verb in kz.ok('org', verb,
                                                    '--help').out
    ja = kz.ok('--lang', 'ja', 'incident', 'new', '--help').out
    assert 'インシデント' in ja
    assert kz.run('incident').code == 2
    assert kz.run('incident', 'frob').code == 2
    assert kz.run('incident', 'new', '--bogus').code == 2
    assert kz.run('--lang', 'fr', 'init').code == 2


def test_language_from_locale(kz):
    r = kz.run('incident new --title t --category nosuch',
               env={'LANG': 'ja_JP.UTF-8'})
    assert 'カテゴリ' in r.err
    r = kz.run('incident new --title t --category nosuch',
               env={'LANG': 'ja_JP.UTF-8', 'LC_ALL': 'C'})
    assert 'unknown category' in r.err


def test_db_flag_and_env(kz, tmp_path):
    other = str(tmp_path / 'other.db')
    kz.ok('--db', other, 'incident', 'new', '--title', 'a')
    kz.ok('incident', 'new', '--title', 'b', '--db', other)
    assert kz.ok('incident list --json', env={'KIZUKI_DB': other}
                 ).json()['total'] == 2
    assert not os.path.exists(kz.db)


def test_unwritable_and_corrupt_databases(kz, tmp_path):
    r = kz.run('--db', str(tmp_path / 'no' / 'such' / 'dir.db'), 'init')
    assert r.code == 1 and 'cannot open database' in r.err, r
    junk = tmp_path / 'junk.db'
    junk.write_bytes(b'this is not a database at all' * 100)
    r = kz.run('--db', str(junk), 'incident', 'list')
    assert r.code == 1 and 'corrupt or not a kizuki database' in r.err, r
    assert junk.read_bytes() == b'this is not a database at all' * 100
    ro = tmp_path / 'ro'
    ro.mkdir()
    kz.ok('--db', str(ro / 'k.db'), 'init')
    os.chmod(ro / 'k.db', 0o444)
    os.chmod(ro, 0o555)
    try:
        if os.geteuid() != 0:
            r = kz.run('--db', str(ro / 'k.db'), 'incident', 'new',
                       '--title', 'x')
            assert r.code == 1, r
    finally:
        os.chmod(ro, 0o755)
    foreign = tmp_path / 'foreign.db'
    c = sqlite3.connect(foreign)
    c.execute('CREATE TABLE t (x)')
    c.commit()
    c.close()
    r = kz.run('--db', str(foreign), 'init')
    assert r.code == 1 and 'not a kizuki database' in r.err


def test_newer_schema_refused(kz):
    kz.ok('init')
    c = sqlite3.connect(kz.db)
    c.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    c.commit()
    c.close()
    r = kz.run('incident list')
    assert r.code == 1
    assert 'schema version 999, newer than this kizuki knows' in r.err


def test_two_processes_write_at_once(kz, tmp_path):
    kz.ok('init')
    n = 150
    script = tmp_path / 'writer.sh'
    script.write_text('for i in $(seq %d); do "%s" incident new --title '
                      '"$1 $i" --category scan >/dev/null || exit 1; done\n'
                      % (n, BIN))
    procs = [subprocess.Popen(['sh', str(script), w], env=kz.env)
             for w in ('a', 'b')]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    lst = kz.ok('incident list --limit 1000 --json').json()
    assert lst['total'] == 2 * n
    tickets = {i['ticket'] for i in lst['incidents']}
    assert len(tickets) == 2 * n


def test_ticket_ids_are_per_year_and_unique(kz):
    a = kz.ok('incident new --title a', env={
        'KIZUKI_NOW': '2025-12-31T23:59:59Z'}).out.strip()
    b = kz.ok('incident new --title b', env={
        'KIZUKI_NOW': '2026-01-01T00:00:00Z'}).out.strip()
    c = kz.ok('incident new --title c', env={
        'KIZUKI_NOW': '2026-01-02T00:00:00Z'}).out.strip()
    assert (a, b, c) == ('KZ-2025-000001', 'KZ-2026-000001',
                         'KZ-2026-000002')
    assert kz.ok('incident show kz-2026-000002 --json').json()['title'] == 'c'
