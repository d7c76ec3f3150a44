# SPDX-License-Identifier: MIT
"""End-to-end tests of kizuki sweep from the command line: indicator lists
or the database's indicators, exact matching, gzip input, recorded
sightings and one incident per affected client."""
import gzip
import json

LOG = (
    '1763900000.123    120 10.0.0.5 TCP_MISS/200 1234 GET '
    'http://www.evil.example.com/gate.php - HIER_DIRECT/203.0.113.7 '
    'text/html\n'
    '1763900001.123    120 10.0.0.6 TCP_MISS/200 1234 GET '
    'http://good.example.org/ - HIER_DIRECT/28.142.180.132 text/html\n'
    '1763900002.123    120 10.0.0.5 TCP_MISS/200 1234 CONNECT '
    '203.0.113.9:443 - HIER_DIRECT/203.0.113.9 -\n')


def make_inputs(kz, tmp_path):
    iocs = tmp_path / 'iocs.txt'
    iocs.write_text('evil.example.com\n203.0.113.0/24\n28.142.180.1\n')
    log = tmp_path / 'access.log'
    log.write_text(LOG)
    return iocs, log


def test_sweep_with_list_is_exact(kz, tmp_path):
    iocs, log = make_inputs(kz, tmp_path)
    r = kz.ok('sweep', '--indicators', str(iocs), str(log), '--json')
    hits = [json.loads(l) for l in r.out.splitlines() if l.strip()]
    lines = sorted({h['line'] for h in hits})
    assert lines == [1, 3]  # 28.142.180.132 is not 28.142.180.1
    gz = tmp_path / 'access.log.gz'
    gz.write_bytes(gzip.compress(LOG.encode()))
    r2 = kz.ok('sweep', '--indicators', str(iocs), str(gz), '--json')
    assert len(r2.out.splitlines()) == len(r.out.splitlines())


def test_sweep_from_database_records_and_opens_incidents(kz, tmp_path):
    iocs, log = make_inputs(kz, tmp_path)
    kz.ok('indicator', 'import', str(iocs), '--tags', 'dreambot')
    r = kz.ok('sweep', str(log), '--record', '--open-incidents',
              '--category', 'malware_site')
    assert 'opened for 10.0.0.5' in r.err
    lst = kz.ok('incident list --json').json()
    assert lst['total'] == 1
    inc = lst['incidents'][0]
    assert inc['category'] == 'malware_site'
    assert '10.0.0.5' in inc['title']
    # A second sweep joins the client's open incident.
    r = kz.ok('sweep', str(log), '--open-incidents')
    assert 'joined by 10.0.0.5' in r.err
    assert kz.ok('incident list --json').json()['total'] == 1
    # Observables taken from the evidence are not swept for by default.
    r = kz.ok('sweep', str(log), '--json')
    hits = [json.loads(l) for l in r.out.splitlines() if l.strip()]
    assert sorted({h['line'] for h in hits}) == [1, 3]


def test_sweep_needs_indicators(kz, tmp_path):
    _, log = make_inputs(kz, tmp_path)
    kz.ok('init')
    r = kz.run('sweep', str(log))
    assert r.code == 2 and 'no indicators' in r.err
