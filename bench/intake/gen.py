#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes N report mails into an mbox: Japanese and English phishing,
defacement and scan reports in ISO-2022-JP, UTF-8 and plain ASCII, some
forwarding the original as message/rfc822, each with its own indicators.
Deterministic for a given seed."""
import email.header
import random
import sys

JA = ['フィッシングサイトを発見しました。以下のURLで銀行を装っています。',
      'ウェブサイトが改ざんされているようです。ご確認ください。',
      '弊社サーバに対するポートスキャンを検知しました。']
EN = ['I found a phishing site imitating our bank at the URL below.',
      'Our web site appears to have been defaced.',
      'We observed a port scan against our servers.']


def one(rng, i):
    host = 'login-%d.example%d.com' % (rng.randrange(10**6), i % 97)
    ip = '203.0.%d.%d' % (rng.randrange(256), rng.randrange(1, 255))
    kind = rng.randrange(3)
    ja = rng.random() < 0.6
    body = (JA if ja else EN)[kind] + '\n\nhxxps://%s/account/verify\n%s\n' % (
        host.replace('.', '[.]'), ip)
    subj = ('【報告】不審なサイト %d' % i) if ja else ('Report %d' % i)
    cs = rng.choice(['iso-2022-jp', 'utf-8']) if ja else 'us-ascii'
    hdr = ('From: reporter%d@example.jp\nTo: csirt@example.org\n'
           'Subject: %s\nMessage-ID: <r%d@example.jp>\n'
           'Date: Wed, 15 Jul 2026 10:00:00 +0900\nMIME-Version: 1.0\n' % (
               rng.randrange(500), email.header.Header(subj, 'utf-8').encode(),
               i))
    text = body.encode(cs, 'replace').decode('latin-1')
    if rng.random() < 0.2:
        return (hdr + 'Content-Type: multipart/mixed; boundary="b%d"\n\n'
                '--b%d\nContent-Type: text/plain; charset=us-ascii\n\n'
                'Forwarding the mail below.\n--b%d\n'
                'Content-Type: message/rfc822\n\nFrom: bank@%s\n'
                'Subject: Verify your account\nContent-Type: text/plain\n\n'
                'Please log in at https://%s/ now.\n--b%d--\n' % (
                    i, i, i, host, host, i))
    return hdr + ('Content-Type: text/plain; charset=%s\n'
                  'Content-Transfer-Encoding: 7bit\n\n' % cs) + text


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = random.Random(5)
    out = sys.stdout.buffer
    for i in range(n):
        out.write(b'From reporter@example.jp Wed Jul 15 10:00:00 2026\n')
        out.write(one(rng, i).encode('latin-1', 'replace'))
        out.write(b'\n')


if __name__ == '__main__':
    main()
