# SPDX-License-Identifier: MIT
"""kizuki incident route, enrich and abuse import end to end, with the small
ASN sample of tests/data/enrich as the data directory (no network)."""
import json
import os
import shutil

from conftest import DATA


def data_dir(kz):
    d = kz.tmp / 'data'
    d.mkdir(exist_ok=True)
    shutil.copy(os.path.join(DATA, 'enrich', 'ranges.csv'),
                str(d / 'asn-ipv4.csv'))
    return str(d)


def setup_incident(kz):
    kz.ok('org', 'add', '--name', 'Example Hosting', '--kind', 'hosting',
          '--contact', 'abuse@hosting.example', '--netblock',
          '198.51.100.0/24')
    kz.ok('org', 'add', '--name', 'Example Transit', '--kind', 'isp',
          '--contact', 'noc@transit.example', '--asn', 'AS64500')
    ticket = kz.new('scan from several hosts', 'scan')
    for v in ('198.51.100.7', '198.51.100.8', '192.0.2.7', '203.0.113.9',
              '233.252.0.1', 'phish.example.jp',
              'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'):
        kz.ok('indicator', 'add', v, '--incident', ticket)
    return ticket


def test_route_json(kz):
    ticket = setup_incident(kz)
    csv = kz.tmp / 'abuse.csv'
    csv.write_text('key,address\n203.0.113.0/24,abuse@doc3.example\n')
    r = kz.ok('abuse', 'import', str(csv))
    assert '1' in r.out
    ini = kz.tmp / 'fallback.ini'
    ini.write_text('[fallback]\nJP = csirt@jpcert.example\n')
    r = kz.ok('incident', 'route', ticket, '--json', '--data-dir',
              data_dir(kz), '--fallback-config', str(ini))
    doc = r.json()
    by = {p['indicator']: p for p in doc['proposals']}
    assert by['198.51.100.7']['via'] == 'netblock'
    assert by['198.51.100.7']['party'] == 'Example Hosting'
    assert by['198.51.100.7']['reason'] == \
        'netblock 198.51.100.0/24 of Example Hosting'
    assert by['192.0.2.7']['via'] == 'org_asn'
    assert by['192.0.2.7']['reason'] == \
        'AS64500 (EXAMPLE-AS) of Example Transit'
    assert by['203.0.113.9']['via'] == 'abuse_prefix'
    assert by['203.0.113.9']['contacts'] == ['abuse@doc3.example']
    assert by['phish.example.jp']['via'] == 'country'
    assert by['phish.example.jp']['contacts'] == ['csirt@jpcert.example']
    assert by['233.252.0.1']['via'] == 'none'
    assert by['233.252.0.1']['note']
    sha = [p for p in doc['proposals'] if p['type'] == 'sha256'][0]
    assert sha['via'] == 'none'
    assert doc['unrouted'] == 2
    hosting = [g for g in doc['parties'] if g['party'] == 'Example Hosting']
    assert sorted(hosting[0]['indicators']) == ['198.51.100.7',
                                                '198.51.100.8']
    # The sample has malformed rows and overlaps: reported, not hidden.
    assert doc['asn_table']['malformed'] == 9
    assert doc['asn_table']['overlaps'] == 4
    assert 'country_db' in doc['missing']


def test_route_text_and_warnings(kz):
    ticket = setup_incident(kz)
    r = kz.ok('incident', 'route', ticket, '--data-dir', data_dir(kz))
    assert 'netblock 198.51.100.0/24 of Example Hosting' in r.out
    assert 'no route' in r.out
    assert 'malformed rows skipped' in r.err
    assert 'asn-ipv4.csv:10: bad start address' in r.err
    assert 'no country database' in r.err


def test_route_without_data(kz):
    ticket = setup_incident(kz)
    r = kz.ok('incident', 'route', ticket, '--json', '--data-dir',
              str(kz.tmp / 'nowhere'))
    doc = r.json()
    assert 'asn_table' in doc['missing']
    by = {p['indicator']: p for p in doc['proposals']}
    assert by['198.51.100.7']['via'] == 'netblock'
    assert by['192.0.2.7']['via'] == 'none'


def test_route_unknown_ticket(kz):
    kz.ok('init')
    r = kz.run('incident', 'route', 'KZ-2020-999999', '--data-dir',
               str(kz.tmp))
    assert r.code == 1
    assert 'KZ-2020-999999' in r.err


def test_enrich(kz):
    r = kz.ok('enrich', '--json', '--data-dir', data_dir(kz),
              '198.51.100.130', 'https://www.shop.example.co.jp/x',
              'user@mail.example.com')
    doc = r.json()
    res = doc['results']
    assert res[0]['asn'] == 64502
    assert res[0]['as_name'] == 'NESTED "INNER" NET'
    assert res[0]['range'] == '198.51.100.128-198.51.100.191'
    assert res[1]['registrable_domain'] == 'example.co.jp'
    assert res[2]['registrable_domain'] == 'example.com'
    r = kz.ok('enrich', '--data-dir', data_dir(kz), '192.0.2.1')
    assert 'AS64500' in r.out and 'EXAMPLE-AS' in r.out


def test_abuse_import_bad_line(kz):
    csv = kz.tmp / 'bad.csv'
    csv.write_text('AS64500,abuse@a.example\nnot-a-key,abuse@b.example\n')
    r = kz.run('abuse', 'import', str(csv))
    assert r.code == 1
    assert 'line 2' in r.err and 'not-a-key' in r.err
    r = kz.ok('abuse', 'count', '--json')
    assert json.loads(r.out) == {'asn': 0, 'prefix': 0}


def test_fallback_config_errors(kz):
    ticket = setup_incident(kz)
    ini = kz.tmp / 'bad.ini'
    ini.write_text('[fallback]\nJPN = csirt@jpcert.example\n')
    r = kz.run('incident', 'route', ticket, '--fallback-config', str(ini),
               '--data-dir', str(kz.tmp))
    assert r.code == 1
    assert 'JPN' in r.err and 'line 2' in r.err
