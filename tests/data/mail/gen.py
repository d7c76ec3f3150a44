#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the mail test cases: NNNN-name.eml and NNNN-name.expected.

The Japanese charsets (ISO-2022-JP, Shift_JIS/CP932, EUC-JP) are produced
with Python's codecs so that the bytes are real; run it again after
changing a case:  python3 tests/data/mail/gen.py
The .expected files hold "key: value" lines read by tests/unit/test_mail.c.
"""
import base64
import gzip
import hashlib
import io
import os
import quopri
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = []


def case(name, eml, expected):
    CASES.append((name, eml, expected))


def sha(b):
    return hashlib.sha256(b).hexdigest()


def b64(b, width=76):
    s = base64.b64encode(b).decode()
    return '\n'.join(s[i:i + width] for i in range(0, len(s), width)) + '\n'


def qp(b):
    return quopri.encodestring(b).decode()


def ew_b(text, cs):
    return '=?%s?B?%s?=' % (cs, base64.b64encode(encode(text, cs)).decode())


def ew_q(text, cs):
    out = []
    for ch in encode(text, cs):
        c = chr(ch)
        if c.isalnum() and ch < 128:
            out.append(c)
        elif c == ' ':
            out.append('_')
        else:
            out.append('=%02X' % ch)
    return '=?%s?Q?%s?=' % (cs, ''.join(out))


def sjis_to_jis(b):
    """CP932 bytes into ISO-2022-JP, keeping the NEC/IBM extension rows
    the way Windows mailers do (ISO-2022-JP-MS)."""
    out = bytearray()
    kanji = False
    i = 0
    while i < len(b):
        c = b[i]
        if c < 0x80:
            if kanji:
                out += b'\x1b(B'
                kanji = False
            out.append(c)
            i += 1
            continue
        s1, s2 = c, b[i + 1]
        i += 2
        if not kanji:
            out += b'\x1b$B'
            kanji = True
        if s1 >= 0xE0:
            s1 -= 0x40
        j1 = (s1 - 0x81) * 2 + 0x21
        if s2 >= 0x9F:
            j1 += 1
            j2 = s2 - 0x7E
        else:
            j2 = s2 - 0x1F - (1 if s2 >= 0x80 else 0)
        out += bytes([j1, j2])
    if kanji:
        out += b'\x1b(B'
    return bytes(out)


def encode(text, cs):
    cs = cs.lower()
    if cs == 'iso-2022-jp':
        try:
            return text.encode('iso2022_jp')
        except UnicodeEncodeError:
            return sjis_to_jis(text.encode('cp932'))
    if cs in ('shift_jis', 'cp932', 'windows-31j', 'x-sjis'):
        return text.encode('cp932')
    if cs == 'euc-jp':
        return text.encode('euc_jp')
    return text.encode(cs)


def hdr(date='Mon, 05 Jan 2026 10:15:00 +0900', frm='reporter@example.jp',
        to='csirt@example.org', subject='test', msgid=None, extra=''):
    msgid = msgid or '<%s@mail.example.jp>' % sha(subject.encode())[:12]
    return ('From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: %s\n'
            'MIME-Version: 1.0\n%s' % (frm, to, subject, date, msgid, extra))


def zip_bytes(files):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 5, 10, 0, 0)), data,
                       zipfile.ZIP_DEFLATED)
    return bio.getvalue()


PDF = (b'%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
       b'2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n'
       b'trailer << /Root 1 0 R >>\n%%EOF\n')
EXE = bytearray(0x80)
EXE[0:2] = b'MZ'
EXE[0x3C:0x40] = (0x80).to_bytes(4, 'little')
EXE = bytes(EXE) + b'PE\x00\x00\x4c\x01' + bytes(58)
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00'
       b'\x01\x08\x02\x00\x00\x00\x90wS\xde')
OLE = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\x00' * 504
ELF = b'\x7fELF\x02\x01\x01' + b'\x00' * 57


def main():
    build()
    for f in os.listdir(HERE):
        if f.endswith('.eml') or f.endswith('.expected'):
            os.unlink(os.path.join(HERE, f))
    for i, (name, eml, expected) in enumerate(CASES, 1):
        base = os.path.join(HERE, '%04d-%s' % (i, name))
        if isinstance(eml, str):
            eml = eml.encode('utf-8')
        with open(base + '.eml', 'wb') as f:
            f.write(eml)
        with open(base + '.expected', 'w', encoding='utf-8') as f:
            f.write(expected.strip() + '\n')
    print('%d cases' % len(CASES))


def build():
    jp_report = ('お世話になっております。\n'
                 '弊社を騙るフィッシングサイトを確認しました。\n'
                 'URL: hxxps://login-example[.]com/secure/\n'
                 'IPアドレス: 203.0.113.45\n'
                 '対応をお願いいたします。\n')

    # 1 plain ASCII report
    case('plain-ascii', hdr(subject='Phishing site report',
                            msgid='<20260105.1@mail.example.jp>',
                            extra='Content-Type: text/plain; charset=us-ascii\n')
         + '\nHello,\n\nWe found a phishing site at http://bad.example.com/login\n'
         'hosted on 198.51.100.7.\n\nRegards\n',
         '''
subject: Phishing site report
from: reporter@example.jp
date: 2026-01-05T01:15:00Z
message_id: 20260105.1@mail.example.jp
attachments: 0
nested: 0
body: http://bad.example.com/login
body: 198.51.100.7
warnings: 0
is_bounce: 0
content_type: text/plain
''')

    # 2 ISO-2022-JP, 7bit, encoded-word subject
    subj = 'フィッシングサイトの報告'
    case('iso2022jp-7bit',
         (hdr(subject=ew_b(subj, 'ISO-2022-JP'), msgid='<jis-1@example.jp>',
              frm=ew_b('山田 太郎', 'ISO-2022-JP') + ' <yamada@example.jp>',
              extra='Content-Type: text/plain; charset=ISO-2022-JP\n'
              'Content-Transfer-Encoding: 7bit\n') + '\n').encode()
         + encode(jp_report, 'iso-2022-jp'),
         '''
subject: フィッシングサイトの報告
from: yamada@example.jp
from_name: 山田 太郎
message_id: jis-1@example.jp
body: 弊社を騙るフィッシングサイトを確認しました。
body: 203.0.113.45
warnings: 0
''')

    # 3 ISO-2022-JP with NEC extension characters (rows 13, 89-92)
    text = '①不審なメールを受信しました。送信元は㈱サンプル商事を名乗っています。\n№3 ⅰⅱ 髙橋\n'
    case('iso2022jp-nec-ext',
         (hdr(subject=ew_b('【至急】①㈱からの不審メール', 'ISO-2022-JP'),
              extra='Content-Type: text/plain; charset="iso-2022-jp"\n')
          + '\n').encode() + encode(text, 'iso-2022-jp'),
         '''
subject: 【至急】①㈱からの不審メール
body: ①不審なメールを受信しました。
body: ㈱サンプル商事
body: №3 ⅰⅱ 髙橋
warnings: 0
''')

    # 4 Shift_JIS declared, 8bit, NEC extension characters
    text = '㈱テスト銀行を装ったメールです。\n①リンク先: http://phish.example.net/bank\n②添付ファイルはありません。\n'
    case('shift-jis-nec',
         (hdr(subject=ew_b('銀行を装うメール①', 'Shift_JIS'),
              extra='Content-Type: text/plain; charset=Shift_JIS\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + encode(text, 'shift_jis'),
         '''
subject: 銀行を装うメール①
body: ㈱テスト銀行を装ったメールです。
body: http://phish.example.net/bank
body: ②添付ファイルはありません。
warnings: 0
''')

    # 5 CP932 base64 with IBM extension characters
    text = '髙橋様、﨑山様\n不正送金の被害について報告します。\n口座番号: 1234567\n'
    case('cp932-base64-ibm',
         (hdr(subject=ew_b('髙橋です', 'windows-31j'),
              extra='Content-Type: text/plain; charset=windows-31j\n'
              'Content-Transfer-Encoding: base64\n') + '\n'
          + b64(encode(text, 'cp932'))),
         '''
subject: 髙橋です
body: 髙橋様、﨑山様
body: 不正送金の被害について報告します。
warnings: 0
''')

    # 6 EUC-JP
    text = '改ざんされたウェブサイトを発見しました。\nhttp://www.example.ac.jp/index.html に不正なスクリプトが埋め込まれています。\n'
    case('euc-jp',
         (hdr(subject=ew_b('ウェブサイト改ざんの連絡', 'EUC-JP'),
              extra='Content-Type: text/plain; charset=EUC-JP\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + encode(text, 'euc-jp'),
         '''
subject: ウェブサイト改ざんの連絡
body: 改ざんされたウェブサイトを発見しました。
body: 不正なスクリプト
warnings: 0
''')

    # 7 UTF-8 base64, CRLF line ends
    text = 'スキャン通知です。\r\n送信元: 192.0.2.10 → 宛先ポート 22/tcp\r\n'
    eml = (hdr(subject=ew_b('ポートスキャンの通知', 'UTF-8'),
               msgid='<scan-7@example.jp>',
               extra='Content-Type: text/plain; charset=UTF-8\n'
               'Content-Transfer-Encoding: base64\n') + '\n'
           + b64(text.encode()))
    case('utf8-base64-crlf', eml.replace('\n', '\r\n'),
         '''
subject: ポートスキャンの通知
message_id: scan-7@example.jp
body: 送信元: 192.0.2.10 → 宛先ポート 22/tcp
warnings: 0
''')

    # 8 UTF-8 quoted-printable, Q-encoded subject
    text = 'マルウェア感染の疑いがある端末があります。\nホスト名: pc-001.example.co.jp\n'
    case('utf8-qp',
         hdr(subject=ew_q('マルウェア感染の疑い', 'UTF-8'),
             extra='Content-Type: text/plain; charset=utf-8\n'
             'Content-Transfer-Encoding: quoted-printable\n') + '\n'
         + qp(text.encode()),
         '''
subject: マルウェア感染の疑い
body: マルウェア感染の疑いがある端末があります。
body: pc-001.example.co.jp
warnings: 0
''')

    # 9 encoded-words split over folded lines, a character cut in two
    raw = '【注意喚起】偽のログインページに関するお知らせ'.encode()
    cut = [raw[:10], raw[10:25], raw[25:]]
    subject = '\n '.join('=?UTF-8?B?%s?=' % base64.b64encode(p).decode()
                         for p in cut)
    case('ew-split-folded',
         hdr(subject=subject, extra='Content-Type: text/plain; charset=utf-8\n')
         + '\nbody\n',
         '''
subject: 【注意喚起】偽のログインページに関するお知らせ
warnings: 0
''')

    # 10 encoded-words in several charsets and plain text mixed
    subject = ('Re: ' + ew_b('不審な', 'ISO-2022-JP') + ' ' +
               ew_q('メール', 'Shift_JIS') + '\n\t' + ew_b('について', 'EUC-JP') +
               ' (case ' + ew_q('№5', 'UTF-8') + ')')
    case('ew-mixed-charsets',
         hdr(subject=subject, extra='Content-Type: text/plain\n') + '\nok\n',
         '''
subject: Re: 不審なメールについて (case №5)
warnings: 0
''')

    # 11 multipart/alternative: plain and HTML with a hidden link target
    html = ('<html><head><title>お知らせ</title></head><body>'
            '<p>お客様のアカウントが<b>一時停止</b>されました。</p>'
            '<p><a href="http://evil.example.com/verify?id=1&amp;x=2">'
            'こちら</a>から確認してください。</p></body></html>')
    case('alternative-html',
         hdr(subject='Account suspended',
             extra='Content-Type: multipart/alternative; boundary="ALT1"\n')
         + '\n--ALT1\nContent-Type: text/plain; charset=UTF-8\n'
         'Content-Transfer-Encoding: 8bit\n\nお客様のアカウントが一時停止されました。\nこちらから確認してください。\n'
         '--ALT1\nContent-Type: text/html; charset=UTF-8\n'
         'Content-Transfer-Encoding: base64\n\n' + b64(html.encode())
         + '--ALT1--\n',
         '''
subject: Account suspended
body: こちらから確認してください。
body_not: evil.example.com
html: <http://evil.example.com/verify?id=1&x=2>
html: 一時停止
attachments: 0
warnings: 0
''')

    # 12 HTML only: scripts, styles, comments, entities, meta refresh
    html = ('<!DOCTYPE html><html><head><meta http-equiv="refresh" '
            'content="0; url=http://redirect.example.net/r"><style>p{color:red}'
            '</style><script>var secret="do-not-show";</script></head>'
            '<body><!-- hidden comment --><div>Dear&nbsp;customer,</div>'
            '<p>Verify &amp; confirm &lt;now&gt; &#x3042;&#12356; &copy;</p>'
            '<a href="https://phish.example.org/login">https://phish.example.org/login</a>'
            '<img src="http://track.example.net/p.gif"><form action="http://collect.example.net/post">'
            '</form></body></html>')
    case('html-only',
         hdr(subject='Verify your account',
             extra='Content-Type: text/html; charset=us-ascii\n') + '\n' + html + '\n',
         '''
body: Dear customer,
body: Verify & confirm <now> あい ©
body: https://phish.example.org/login
body: <http://redirect.example.net/r>
body: <http://track.example.net/p.gif>
body: <http://collect.example.net/post>
body_not: do-not-show
body_not: color:red
body_not: hidden comment
html: Dear customer,
''')

    # 13 multipart/mixed with a zip attachment
    zipdata = zip_bytes([('invoice.js', b'var x = "WScript.Shell";\n')])
    case('attach-zip',
         hdr(subject='Suspicious attachment',
             extra='Content-Type: multipart/mixed; boundary="MIX-13"\n')
         + '\nThis is a multi-part message in MIME format.\n'
         '--MIX-13\nContent-Type: text/plain; charset=us-ascii\n\n'
         'The attached zip arrived from an unknown sender.\n'
         '--MIX-13\nContent-Type: application/zip; name="invoice.zip"\n'
         'Content-Disposition: attachment; filename="invoice.zip"\n'
         'Content-Transfer-Encoding: base64\n\n' + b64(zipdata) + '--MIX-13--\n',
         '''
body: unknown sender
attachments: 1
attachment: 0 zip %d %s invoice.zip
warnings: 0
''' % (len(zipdata), sha(zipdata)))

    # 14 pdf and exe, RFC 2231 UTF-8 filename
    case('attach-pdf-exe',
         hdr(subject='Invoice and installer',
             extra='Content-Type: multipart/mixed; boundary=b14\n')
         + '\n--b14\nContent-Type: text/plain\n\nSee attachments.\n'
         '--b14\nContent-Type: application/pdf\n'
         'Content-Disposition: attachment; filename="invoice.pdf"\n'
         'Content-Transfer-Encoding: base64\n\n' + b64(PDF)
         + '--b14\nContent-Type: application/octet-stream\n'
         "Content-Disposition: attachment;\n filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.exe\n"
         'Content-Transfer-Encoding: base64\n\n' + b64(EXE) + '--b14--\n',
         '''
attachments: 2
attachment: 0 pdf %d %s invoice.pdf
attachment: 1 pe %d %s 請求書.exe
''' % (len(PDF), sha(PDF), len(EXE), sha(EXE)))

    # 15 Japanese filename as an encoded-word in a parameter (OLE doc)
    fname = ew_b('見積書.doc', 'ISO-2022-JP')
    case('attach-jp-filename-ew',
         (hdr(subject=ew_b('見積書送付', 'ISO-2022-JP'),
              extra='Content-Type: multipart/mixed; boundary="=_b15"\n')
          + '\n--=_b15\nContent-Type: text/plain; charset=ISO-2022-JP\n\n').encode()
         + encode('見積書を送付します。\n', 'iso-2022-jp')
         + ('--=_b15\nContent-Type: application/msword; name="%s"\n'
            'Content-Disposition: attachment; filename="%s"\n'
            'Content-Transfer-Encoding: base64\n\n' % (fname, fname)
            + b64(OLE) + '--=_b15--\n').encode(),
         '''
subject: 見積書送付
body: 見積書を送付します。
attachments: 1
attachment: 0 ole %d %s 見積書.doc
''' % (len(OLE), sha(OLE)))

    # 16 forwarded phishing mail as message/rfc822
    inner = (hdr(subject=ew_b('【重要】アカウント確認のお願い', 'ISO-2022-JP'),
                 frm='"Example Bank" <info@examp1e-bank.com>',
                 msgid='<phish-16@examp1e-bank.com>', to='victim@example.jp',
                 date='Sun, 04 Jan 2026 22:01:09 +0900',
                 extra='Content-Type: text/plain; charset=ISO-2022-JP\n') + '\n').encode() \
        + encode('以下のURLからログインしてください。\nhttp://examp1e-bank.com.example.ru/login\n', 'iso-2022-jp')
    case('forwarded-rfc822',
         (hdr(subject='Fwd: phishing', extra='Content-Type: multipart/mixed; boundary="F16"\n')
          + '\n--F16\nContent-Type: text/plain; charset=us-ascii\n\nForwarding a phishing mail.\n'
          '--F16\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename="phish.eml"\n\n').encode()
         + inner + b'\n--F16--\n',
         '''
subject: Fwd: phishing
body: Forwarding a phishing mail.
nested: 1
attachments: 0
nested.0.subject: 【重要】アカウント確認のお願い
nested.0.from: info@examp1e-bank.com
nested.0.from_name: Example Bank
nested.0.message_id: phish-16@examp1e-bank.com
nested.0.date: 2026-01-04T13:01:09Z
nested.0.body: http://examp1e-bank.com.example.ru/login
''')

    # 17 forwarded twice: rfc822 inside rfc822, with an attachment inside
    innermost = (hdr(subject='Your parcel', frm='delivery@parcel-notice.example',
                     msgid='<parcel@parcel-notice.example>',
                     extra='Content-Type: multipart/mixed; boundary=in17\n')
                 + '\n--in17\nContent-Type: text/plain\n\nOpen the label.\n'
                 '--in17\nContent-Type: application/zip; name=label.zip\n'
                 'Content-Transfer-Encoding: base64\n\n' + b64(zipdata) + '--in17--\n')
    middle = (hdr(subject='Fw: Your parcel', frm='user@example.co.jp',
                  msgid='<middle@example.co.jp>',
                  extra='Content-Type: multipart/mixed; boundary=mid17\n')
              + '\n--mid17\nContent-Type: text/plain\n\nCan you check this?\n'
              '--mid17\nContent-Type: message/rfc822\n\n' + innermost + '\n--mid17--\n')
    case('forwarded-two-levels',
         hdr(subject='Fw: Fw: Your parcel',
             extra='Content-Type: multipart/mixed; boundary=out17\n')
         + '\n--out17\nContent-Type: text/plain\n\nForwarded by the helpdesk.\n'
         '--out17\nContent-Type: message/rfc822\n\n' + middle + '\n--out17--\n',
         '''
nested: 1
nested.0.subject: Fw: Your parcel
nested.0.nested: 1
nested.0.body: Can you check this?
nested.0.nested.0.subject: Your parcel
nested.0.nested.0.message_id: parcel@parcel-notice.example
nested.0.nested.0.attachments: 1
nested.0.nested.0.attachment: 0 zip %d %s label.zip
''' % (len(zipdata), sha(zipdata)))

    # 18 a forwarded .eml sent as application/octet-stream
    eml18 = (hdr(subject='Password expiry', frm='it-support@examp1e.jp',
                 msgid='<pw@examp1e.jp>', extra='Content-Type: text/plain\n')
             + '\nYour password expires today: http://pw-reset.example.info/\n').encode()
    case('forward-eml-octet',
         hdr(subject='FW: Password expiry',
             extra='Content-Type: multipart/mixed; boundary=b18\n')
         + '\n--b18\nContent-Type: text/plain\n\nsee attached\n'
         '--b18\nContent-Type: application/octet-stream; name="Password expiry.eml"\n'
         'Content-Disposition: attachment; filename="Password expiry.eml"\n'
         'Content-Transfer-Encoding: base64\n\n' + b64(eml18) + '--b18--\n',
         '''
attachments: 1
attachment: 0 rfc822 %d %s Password expiry.eml
nested: 1
nested.0.subject: Password expiry
nested.0.body: http://pw-reset.example.info/
''' % (len(eml18), sha(eml18)))

    # 19 no charset declared, Shift_JIS body
    case('undeclared-sjis',
         (hdr(subject='no charset', extra='Content-Type: text/plain\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + encode('当社サーバへの不正アクセスを検知しました。\n', 'cp932'),
         '''
body: 当社サーバへの不正アクセスを検知しました。
warning: part 1: no charset declared, decoded as cp932
''')

    # 20 no charset declared at all (no Content-Type), EUC-JP body
    case('undeclared-eucjp',
         (hdr(subject='no content type') + '\n').encode()
         + encode('標的型攻撃メールと思われるものを受信しました。\n', 'euc-jp'),
         '''
body: 標的型攻撃メールと思われるものを受信しました。
warning: decoded as euc-jp
''')

    # 21 wrong charset declared: iso-8859-1 for Shift_JIS text
    case('wrong-charset-latin1',
         (hdr(subject='wrong charset', extra='Content-Type: text/plain; charset=iso-8859-1\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + encode('サーバがDDoS攻撃を受けています。\n', 'cp932'),
         '''
body: サーバがDDoS攻撃を受けています。
warning: not in the declared charset 'iso-8859-1', decoded as cp932
''')

    # 22 declared UTF-8, actually EUC-JP
    case('wrong-charset-utf8-eucjp',
         (hdr(subject='wrong charset 2', extra='Content-Type: text/plain; charset=utf-8\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + encode('制御システムへの不審な通信があります。\n', 'euc-jp'),
         '''
body: 制御システムへの不審な通信があります。
warning: not in the declared charset 'utf-8', decoded as euc-jp
''')

    # 23 unknown charset name
    case('unknown-charset',
         (hdr(subject='unknown charset', extra='Content-Type: text/plain; charset=x-foo\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + encode('マルウェア配布サイトの情報です。\n', 'cp932'),
         '''
body: マルウェア配布サイトの情報です。
warning: unknown charset 'x-foo', decoded as cp932
''')

    # 24 multipart without a boundary parameter
    case('missing-boundary',
         hdr(subject='missing boundary', extra='Content-Type: multipart/mixed\n')
         + '\n--XyZ\nContent-Type: text/plain\n\nreport text survives\n'
         '--XyZ\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\n'
         + b64(PDF) + '--XyZ--\n',
         '''
body: report text survives
attachments: 1
attachment: 0 pdf %d %s a.pdf
warning: multipart without boundary
''' % (len(PDF), sha(PDF)))

    # 25 truncated multipart: cut inside a base64 attachment
    full = (hdr(subject='truncated', extra='Content-Type: multipart/mixed; boundary=T25\n')
            + '\n--T25\nContent-Type: text/plain\n\nbefore the cut\n'
            '--T25\nContent-Type: application/octet-stream; name=data.bin\n'
            'Content-Transfer-Encoding: base64\n\n' + b64(bytes(range(256)) * 8) + '--T25--\n')
    case('truncated-multipart', full[:len(full) * 2 // 3],
         '''
subject: truncated
body: before the cut
attachments: 1
warning: truncated message
''')

    # 26 invalid UTF-8 bytes in a part declared UTF-8
    case('invalid-utf8',
         (hdr(subject='invalid utf8', extra='Content-Type: text/plain; charset=utf-8\n'
              'Content-Transfer-Encoding: 8bit\n') + '\n').encode()
         + b'valid \xe3\x81\x82 then junk \xff\xfe\xc0\xaf end\n',
         '''
body: valid あ then junk
body: end
body: \ufffd
warning: could not be decoded
''')

    # 27 NUL bytes in a header and the body
    case('nul-bytes',
         (hdr(subject='nul bytes', extra='Content-Type: text/plain; charset=us-ascii\n') + '\n').encode()
         + b'line one\x00\x00line two\n',
         '''
subject: nul bytes
body: line one
body: line two
warning: replaced with U+FFFD
''')

    # 28 DSN bounce with text/rfc822-headers
    case('dsn-bounce',
         hdr(subject='Undelivered Mail Returned to Sender', frm='MAILER-DAEMON@mx.example.org',
             to='csirt@example.org', msgid='<dsn-28@mx.example.org>',
             extra='Return-Path: <>\nContent-Type: multipart/report; report-type=delivery-status;\n'
             '\tboundary="DSN28"\n')
         + '\n--DSN28\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n'
         "I'm sorry to have to inform you that your message could not be delivered.\n"
         '--DSN28\nContent-Type: message/delivery-status\n\n'
         'Reporting-MTA: dns; mx.example.org\nArrival-Date: Mon, 5 Jan 2026 10:20:00 +0900\n\n'
         'Final-Recipient: rfc822; abuse@hosting.example.net\nOriginal-Recipient: rfc822;abuse@hosting.example.net\n'
         'Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mail.hosting.example.net\n'
         'Diagnostic-Code: smtp; 550 5.1.1 <abuse@hosting.example.net>: Recipient\n'
         '    address rejected: User unknown\n\n'
         '--DSN28\nContent-Type: text/rfc822-headers\n\n'
         'From: csirt@example.org\nTo: abuse@hosting.example.net\n'
         'Subject: [KZ-2026-000042] Phishing site on your network\n'
         'Message-ID: <notify-42.1@kizuki.example.org>\n\n--DSN28--\n',
         '''
is_bounce: 1
bounce_status: 5.1.1
bounce_rcpt: abuse@hosting.example.net
bounce_msgid: notify-42.1@kizuki.example.org
bounce_action: failed
report_type: delivery-status
return_path:
body: could not be delivered
''')

    # 29 DSN with the original as message/rfc822 and a Japanese part
    orig = (hdr(subject='=?ISO-2022-JP?B?GyRCTyJNbRsoQg==?= [KZ-2026-000108]',
                frm='csirt@example.org', to='noc@isp.example.jp',
                msgid='<notify-108.2@kizuki.example.org>',
                extra='Content-Type: text/plain; charset=us-ascii\n') + '\nplease check\n')
    case('dsn-bounce-rfc822',
         (hdr(subject=ew_b('配送失敗のお知らせ', 'ISO-2022-JP'), frm='postmaster@isp.example.jp',
              extra='Content-Type: multipart/report; report-type="delivery-status"; boundary="b29"\n')
          + '\n--b29\nContent-Type: text/plain; charset=ISO-2022-JP\n\n').encode()
         + encode('メールを配送できませんでした。\n', 'iso-2022-jp')
         + ('--b29\nContent-Type: message/delivery-status\n\n'
            'Reporting-MTA: dns; mx.isp.example.jp\n\n'
            'Final-Recipient: rfc822; noc@isp.example.jp\nAction: failed\n'
            'Status: 5.2.2 (mailbox full)\n\n'
            'Final-Recipient: rfc822; soc@isp.example.jp\nAction: failed\nStatus: 5.1.1\n\n'
            '--b29\nContent-Type: message/rfc822\n\n' + orig + '\n--b29--\n').encode(),
         '''
subject: 配送失敗のお知らせ
is_bounce: 1
bounce_status: 5.2.2
bounce_rcpt: noc@isp.example.jp
bounce_rcpt: soc@isp.example.jp
bounce_msgid: notify-108.2@kizuki.example.org
nested: 1
nested.0.ticket: KZ-2026-000108
body: メールを配送できませんでした。
''')

    # 30 DSN for a delay only: not a bounce
    case('dsn-delayed',
         hdr(subject='Delayed Mail (still being retried)', frm='MAILER-DAEMON@relay.example.org',
             extra='Content-Type: multipart/report; report-type=delivery-status; boundary=b30\n')
         + '\n--b30\nContent-Type: text/plain\n\nStill trying.\n'
         '--b30\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example.org\n\n'
         'Final-Recipient: rfc822; slow@example.net\nAction: delayed\nStatus: 4.4.1\n\n--b30--\n',
         '''
is_bounce: 0
bounce_action: delayed
bounce_status: 4.4.1
report_type: delivery-status
''')

    # 31 an X-ARF abuse report
    yaml = ('Reported-From: abuse-reports@honeypot.example.de\nCategory: abuse\n'
            'Report-Type: login-attack\nService: ssh\nPort: 22\nSource-Type: ipv4\n'
            'Source: 192.0.2.99\nAttachment: text/plain\nSchema-URL: http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json\n'
            'Date: Mon, 05 Jan 2026 09:00:00 +0100\n')
    log = 'Jan  5 09:00:01 hp sshd[123]: Failed password for root from 192.0.2.99 port 51234 ssh2\n'
    case('xarf-report',
         hdr(subject='abuse report about 192.0.2.99 - 2026-01-05T09:00:00+01:00',
             frm='abuse-reports@honeypot.example.de',
             extra='X-ARF: Yes\nX-XARF: PLAIN\nContent-Type: multipart/mixed; boundary="Abuse-b31"\n')
         + '\n--Abuse-b31\nContent-Type: text/plain; charset=utf-8\n\n'
         'Dear Sir or Madam,\nwe received an attack from 192.0.2.99 on our honeypot.\n'
         '--Abuse-b31\nContent-Type: text/plain; charset=utf-8; name="report.txt"\n\n' + yaml
         + '--Abuse-b31\nContent-Type: text/plain; charset=utf-8; name="logfile.log"\n\n' + log
         + '--Abuse-b31--\n',
         '''
header.X-ARF: Yes
body: attack from 192.0.2.99
attachments: 2
attachment: 0 text %d %s report.txt
attachment: 1 text %d %s logfile.log
''' % (len(yaml) - 1, sha(yaml[:-1].encode()), len(log) - 1,
       sha(log[:-1].encode())))

    # 32 very long header lines
    long_subj = 'spam ' * 1000
    recv = 'from ' + 'relay' * 400 + '.example.net (unknown [198.51.100.200]) by mx.example.org'
    case('long-headers',
         'Received: %s\n' % recv + hdr(subject=long_subj.strip(),
                                       extra='X-Long: ' + 'x' * 20000 + '\n'
                                       'Content-Type: text/plain\n') + '\nshort body\n',
         '''
subject_len: 4999
received: 1
received0: from relayrelay
header.X-Long: %s
body: short body
''' % ('x' * 20000))

    # 33 headers only, no body
    case('empty-body', hdr(subject='empty', extra='Content-Type: text/plain\n'),
         '''
subject: empty
text_len: 0
attachments: 0
''')

    # 34 Received chain, Reply-To and Return-Path differing from From (BEC)
    case('received-chain-bec',
         'Return-Path: <bounce@mailer.example.info>\n'
         'Received: from mx2.example.co.jp (mx2.example.co.jp [192.0.2.25])\n\tby mx.example.org with ESMTPS id 1; Mon, 5 Jan 2026 10:15:05 +0900\n'
         'Received: from mailer.example.info (unknown [203.0.113.77])\n\tby mx2.example.co.jp with ESMTP id 2; Mon, 5 Jan 2026 10:15:03 +0900\n'
         'Received: from [10.0.0.5] (helo=desktop)\n\tby mailer.example.info; Mon, 5 Jan 2026 10:15:01 +0900\n'
         'Received: by desktop; Mon, 5 Jan 2026 10:15:00 +0900\n'
         + hdr(subject='Urgent wire transfer', frm='"CEO" <CE0@examp1e.co.jp>',
               to='keiri@example.co.jp, "Accounting" <acct@example.co.jp>',
               extra='Reply-To: ceo.office@freemail.example\nCc: =?UTF-8?B?57WM55CG6YOo?= <keiri2@example.co.jp>\n'
               'Content-Type: text/plain\n') + '\nPlease wire USD 48,000 today.\n',
         '''
from: CE0@examp1e.co.jp
from_name: CEO
reply_to: ceo.office@freemail.example
return_path: bounce@mailer.example.info
to: keiri@example.co.jp, acct@example.co.jp
cc: keiri2@example.co.jp
cc_name: 経理部
received: 4
received0: from mx2.example.co.jp (mx2.example.co.jp [192.0.2.25]) by mx.example.org
''')

    # 35 a reply carrying a ticket id, ISO-2022-JP subject
    case('ticket-reply',
         (hdr(subject='Re: [KZ-2026-000042] ' + ew_b('フィッシングサイトの件', 'ISO-2022-JP'),
              frm='abuse@hosting.example.net', msgid='<reply-42@hosting.example.net>',
              extra='In-Reply-To: <notify-42.1@kizuki.example.org>\n'
              'References: <report-42@example.jp> <notify-42.1@kizuki.example.org>\n'
              'Content-Type: text/plain; charset=ISO-2022-JP\n') + '\n').encode()
         + encode('対応しました。サイトは停止済みです。\n', 'iso-2022-jp'),
         '''
subject: Re: [KZ-2026-000042] フィッシングサイトの件
ticket: KZ-2026-000042
in_reply_to: notify-42.1@kizuki.example.org
references: 2
body: サイトは停止済みです。
''')

    # 36 a zip bomb: 30 MB of zeros deflated; the parser must not inflate it
    bomb = zip_bytes([('zeros.bin', b'\0' * (30 << 20))])
    case('zip-bomb',
         hdr(subject='zip bomb', extra='Content-Type: multipart/mixed; boundary=b36\n')
         + '\n--b36\nContent-Type: text/plain\n\nbomb attached\n'
         '--b36\nContent-Type: application/zip; name=bomb.zip\n'
         'Content-Transfer-Encoding: base64\n\n' + b64(bomb) + '--b36--\n',
         '''
attachments: 1
attachment: 0 zip %d %s bomb.zip
''' % (len(bomb), sha(bomb)))

    # 37 a zip cut in half
    half = zipdata[:len(zipdata) // 2]
    case('truncated-zip',
         hdr(subject='broken zip', extra='Content-Type: multipart/mixed; boundary=b37\n')
         + '\n--b37\nContent-Type: application/zip; name=broken.zip\n'
         'Content-Transfer-Encoding: base64\n\n' + b64(half) + '--b37--\n',
         '''
attachments: 1
attachment: 0 zip %d %s broken.zip
''' % (len(half), sha(half)))

    # 38 binary junk
    junk = bytes((i * 37 + 11) % 256 for i in range(2048))
    case('binary-junk', b'\x00\x01PK' + junk, '''
error: not a mail: binary data
''')

    # 39 empty input
    case('empty', b'', '''
error: not a mail: the input is empty
''')

    # 40 text without headers
    case('no-headers', 'Hello, this is just a note\nwithout any header.\n', '''
error: not a mail: no header lines found
''')

    # 41 a saved mail starting with an mbox From_ line
    case('mbox-from-line',
         'From reporter@example.jp Mon Jan  5 10:15:00 2026\n'
         + hdr(subject='with postmark', extra='Content-Type: text/plain\n') + '\nbody 41\n',
         '''
subject: with postmark
body: body 41
''')

    # 42 groups and encoded display names in To
    case('address-groups',
         (hdr(subject='groups',
              to='undisclosed-recipients:;, CSIRT: a@example.org, b@example.org;, '
              + ew_b('情報 太郎', 'ISO-2022-JP') + ' <c@example.org>',
              extra='Content-Type: text/plain\n') + '\nbody\n'),
         '''
to: a@example.org, b@example.org, c@example.org
to_name2: 情報 太郎
''')

    # 43 raw Shift_JIS bytes in Subject (no encoded-word)
    case('raw-8bit-subject-sjis',
         b'From: spam@example.biz\nTo: user@example.jp\nSubject: '
         + encode('【当選】おめでとうございます', 'cp932')
         + b'\nDate: Tue, 06 Jan 2026 03:00:00 +0000\nContent-Type: text/plain; charset=Shift_JIS\n\n'
         + encode('賞金の受け取りはこちら http://prize.example.biz/\n', 'cp932'),
         '''
subject: 【当選】おめでとうございます
date: 2026-01-06T03:00:00Z
body: http://prize.example.biz/
warning: header 'Subject': no charset declared, decoded as cp932
''')

    # 44 nested multiparts: mixed > alternative > related
    html = '<p>Inline <img src="cid:logo@x"> logo and <a href="http://x.example/a">link</a></p>'
    case('nested-related',
         hdr(subject='nested', extra='Content-Type: multipart/mixed; boundary=m44\n')
         + '\n--m44\nContent-Type: multipart/alternative; boundary=a44\n\n'
         '--a44\nContent-Type: text/plain\n\nplain version 44\n'
         '--a44\nContent-Type: multipart/related; boundary=r44\n\n'
         '--r44\nContent-Type: text/html\n\n' + html + '\n'
         '--r44\nContent-Type: image/png\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\n'
         + b64(PNG) + '--r44--\n--a44--\n'
         '--m44\nContent-Type: application/pdf; name=doc.pdf\nContent-Transfer-Encoding: base64\n\n'
         + b64(PDF) + '--m44--\n',
         '''
body: plain version 44
body_not: Inline
html: <http://x.example/a>
attachments: 2
attachment: 0 png %d %s
attachment: 1 pdf %d %s doc.pdf
''' % (len(PNG), sha(PNG), len(PDF), sha(PDF)))

    # 45 base64 with junk characters in it
    body = 'base64 survives noise\n'.encode()
    enc = base64.b64encode(body).decode()
    noisy = enc[:8] + '!!\n' + enc[8:16] + ' * ' + enc[16:] + '\n'
    case('bad-base64',
         hdr(subject='noise', extra='Content-Type: text/plain\nContent-Transfer-Encoding: base64\n')
         + '\n' + noisy,
         '''
body: base64 survives noise
''')

    # 46 HTML whose charset is only in a <meta>
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
            '</head><body>不正ログインの試行を確認しました。</body></html>\n')
    case('html-meta-charset',
         (hdr(subject='meta charset', extra='Content-Type: text/html\n') + '\n').encode()
         + encode(html, 'cp932'),
         '''
body: 不正ログインの試行を確認しました。
warnings: 0
''')

    # 47 broken and unknown encoded-words
    case('bad-encoded-words',
         (hdr(subject='=?x-unknown?B?%s?= and =?UTF-8?B?broken and =?utf-8?q?ok=21?='
              % base64.b64encode('不明'.encode()).decode(),
              extra='Content-Type: text/plain\n') + '\nbody\n'),
         '''
subject: 不明 and =?UTF-8?B?broken and ok!
warning: header 'Subject': no charset declared, decoded as utf-8
''')

    # 48 an ARF feedback report
    case('arf-feedback',
         hdr(subject='FW: spam', frm='feedback@isp.example',
             extra='Content-Type: multipart/report; report-type=feedback-report; boundary=b48\n')
         + '\n--b48\nContent-Type: text/plain\n\nThis is an abuse report.\n'
         '--b48\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n'
         'User-Agent: SomeGenerator/1.0\nVersion: 1\nSource-IP: 192.0.2.1\n\n'
         '--b48\nContent-Type: message/rfc822\n\nFrom: spammer@example.net\n'
         'Subject: cheap pills\nMessage-ID: <spam48@example.net>\n\nbuy now\n--b48--\n',
         '''
report_type: feedback-report
is_bounce: 0
body: Source-IP: 192.0.2.1
nested: 1
nested.0.message_id: spam48@example.net
''')

    # 49 display names in ISO-2022-JP with NEC extension characters,
    # one of them inside quotes (as some mailers write it)
    case('address-jis-ext',
         hdr(subject='names', frm=ew_b('①㈱サンプル 総務部', 'ISO-2022-JP')
             + ' <soumu@example.co.jp>',
             to='"' + ew_b('髙橋', 'ISO-2022-JP') + '" <takahashi@example.jp>, '
             + '"a \\"quoted\\" name" <q@example.jp>',
             extra='Content-Type: text/plain\n') + '\nbody\n',
         '''
from_name: ①㈱サンプル 総務部
from: soumu@example.co.jp
to: takahashi@example.jp, q@example.jp
to_name0: 髙橋
to_name1: a "quoted" name
''')


if __name__ == '__main__':
    main()
