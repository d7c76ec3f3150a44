#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Loads incidents (JSON lines from bench/incidents/gen.py) into a Request
Tracker SQLite database prepared by setup.pl, writing the rows RT itself
writes when it creates a ticket: the ticket, its four role groups (with
principals, memberships and cached memberships), the creation
transactions with the first message as an attachment, and one comment
per timeline entry. Going through RT's API would take hours for 100,000
tickets; this takes seconds. Adds two indexes RT's SQLite schema lacks
and runs ANALYZE. Usage: load.py DB INCIDENTS.jsonl"""
import json
import sqlite3
import sys

# kizuki status -> RT's default lifecycle
STATUS = {'new': 'new', 'triaged': 'open', 'coordinating': 'open',
          'waiting': 'stalled', 'resolved': 'resolved',
          'closed': 'resolved', 'rejected': 'rejected'}
EPOCH = '1970-01-01 00:00:00'
HEADERS = ('Content-Type: text/plain; charset="UTF-8"\n'
           'Content-Disposition: inline\n'
           'Content-Transfer-Encoding: binary\n'
           'MIME-Version: 1.0\n'
           'Content-Length: %d\n')


def rt_time(iso):
    return iso.replace('T', ' ').rstrip('Z')


def main():
    db = sqlite3.connect(sys.argv[1])
    db.execute('PRAGMA journal_mode = OFF')
    db.execute('PRAGMA synchronous = OFF')
    cur = db.cursor()

    def one(sql, *args):
        return cur.execute(sql, args).fetchone()[0]

    def next_id(table):
        return (one('SELECT max(id) FROM ' + table) or 0) + 1

    users = dict(cur.execute('SELECT Name, id FROM Users'))
    queues = dict(cur.execute('SELECT Name, id FROM Queues'))
    nobody = users['Nobody']
    reporters = sorted(v for k, v in users.items()
                       if k.startswith('reporter'))
    if one('SELECT count(*) FROM Tickets'):
        sys.exit('load.py: the database already holds tickets')

    principal = next_id('Principals')
    member = next_id('GroupMembers')
    cached = next_id('CachedGroupMembers')
    txn = next_id('Transactions')
    att = next_id('Attachments')
    rows = {k: [] for k in ('Principals', 'Groups', 'GroupMembers',
                            'CachedGroupMembers', 'Transactions',
                            'Attachments', 'Tickets')}

    def attachment(txn_id, text, creator, at):
        nonlocal att
        data = text.encode()
        rows['Attachments'].append(
            (att, txn_id, 0, '', '', None, 'text/plain', 'none', text,
             HEADERS % len(data), creator, at))
        att += 1

    def flush():
        cols = {'Principals': 3, 'Groups': 9, 'GroupMembers': 7,
                'CachedGroupMembers': 6, 'Transactions': 14,
                'Attachments': 12, 'Tickets': 24}
        for table, batch in rows.items():
            if batch:
                cur.executemany('INSERT INTO %s VALUES (%s)' % (
                    table, ','.join('?' * cols[table])), batch)
                batch.clear()

    cur.execute('BEGIN')
    with open(sys.argv[2], encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            o = json.loads(line)
            created = rt_time(o['created_at'])
            owner = users.get(o.get('assignee'), nobody)
            requestor = reporters[(n * 7919) % len(reporters)]
            status = STATUS[o['status']]
            # role groups, each with a principal and a cached self-membership
            groups = {}
            for role in ('AdminCc', 'Cc', 'Owner', 'Requestor'):
                gid = groups[role] = principal
                principal += 1
                rows['Principals'].append((gid, 'Group', 0))
                rows['Groups'].append((gid, role, None, 'RT::Ticket-Role', n,
                                       1, created, 1, created))
                rows['CachedGroupMembers'].append(
                    (cached, gid, gid, cached, gid, 0))
                cached += 1
                rows['Transactions'].append(
                    (txn, 'RT::Group', gid, 0, 'Create', None, None, None,
                     None, None, None, None, 1, created))
                txn += 1
            for role, uid in (('Owner', owner), ('Requestor', requestor)):
                rows['GroupMembers'].append(
                    (member, groups[role], uid, 1, created, 1, created))
                member += 1
                rows['CachedGroupMembers'].append(
                    (cached, groups[role], uid, cached, groups[role], 0))
                cached += 1
            rows['Transactions'].append(
                (txn, 'RT::Ticket', n, 0, 'Create', None, None, None, None,
                 None, None, None, 1, created))
            attachment(txn, o['title'] + '\n', 1, created)
            txn += 1
            last = created
            for entry in o.get('timeline', []):
                at = rt_time(entry['at'])
                by = owner if owner != nobody else 1
                rows['Transactions'].append(
                    (txn, 'RT::Ticket', n, 0, 'Comment', None, None, None,
                     None, None, None, None, by, at))
                attachment(txn, entry['text'] + '\n', by, at)
                txn += 1
                last = max(last, at)
            resolved = EPOCH
            if 'closed_at' in o:
                resolved = rt_time(o['closed_at'])
                last = max(last, resolved)
            started = EPOCH if status == 'new' else rt_time(
                o['timeline'][0]['at']) if o.get('timeline') else created
            rows['Tickets'].append(
                (n, n, None, queues[o['category']], 'ticket', owner,
                 o['title'], 0, 0, o['priority'], 0, 0, status, None, 0,
                 None, EPOCH, started, EPOCH, resolved, 1, last, 1, created))
            if n % 5000 == 0:
                flush()
    flush()
    # RT's SQLite schema declares Groups.id and Users.id as plain INTEGER
    # columns, neither primary key nor indexed (they take their values
    # from Principals), so each lookup of a group by id reads the whole
    # table: four role groups per ticket make that 400,000 rows at
    # 100,000 tickets, and creating a ticket takes seconds. The indexes
    # RT's PostgreSQL and MySQL schemas have through their primary keys:
    cur.execute('CREATE UNIQUE INDEX IF NOT EXISTS GroupsId ON Groups (id)')
    cur.execute('CREATE UNIQUE INDEX IF NOT EXISTS UsersId ON Users (id)')
    db.commit()
    db.execute('ANALYZE')
    db.close()
    print('loaded', n, 'tickets')


if __name__ == '__main__':
    main()
