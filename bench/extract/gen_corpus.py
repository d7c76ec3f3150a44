#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a mixed corpus for the extraction benchmark: web server and
firewall logs, mails (some with base64 parts), HTML pages and Japanese
prose, with plain and defanged indicators sprinkled through them. The
output is deterministic for a given size and seed."""
import argparse
import base64
import random

WORDS = ("the report of an incident was received from a member and the "
         "handler checked the logs before contacting the provider about "
         "suspicious traffic scanning ports on several hosts during the "
         "night while the analyst wrote notes for the timeline and asked "
         "for more information about the attack and its impact").split()

JA = ["本日", "午前", "不審な", "通信", "が", "確認", "されました", "。",
      "調査", "の", "結果", "、", "当該", "サーバ", "は", "改ざん",
      "されて", "おり", "フィッシング", "サイト", "へ", "誘導",
      "する", "スクリプト", "が", "埋め込まれて", "いました", "ご対応",
      "を", "お願い", "いたします", "ログ", "を", "添付", "します",
      "標的型", "攻撃", "メール", "に", "添付", "ファイル", "マルウェア"]

TLDS = ["com", "net", "org", "jp", "co.jp", "ne.jp", "info", "io", "ru",
        "cn", "xyz", "top", "de", "uk", "biz"]
NAMES = ["example", "login-secure", "update", "cdn", "mail", "portal",
         "bank-verify", "shop", "files", "static", "api", "support"]


IPS = []


def ip(r):
    """Addresses in logs repeat: most come from a pool of 20000."""
    if len(IPS) < 20000 or r.random() < 0.1:
        IPS.append(fresh_ip(r))
        return IPS[-1]
    return r.choice(IPS)


def fresh_ip(r):
    return "%d.%d.%d.%d" % (r.randint(1, 223), r.randint(0, 255),
                            r.randint(0, 255), r.randint(1, 254))


def ip6(r):
    return "2001:db8:%x:%x::%x" % (r.randint(0, 65535), r.randint(0, 65535),
                                   r.randint(1, 65535))


DOMS = []


def dom(r):
    if len(DOMS) < 20000 or r.random() < 0.1:
        DOMS.append(fresh_dom(r))
        return DOMS[-1]
    return r.choice(DOMS)


def fresh_dom(r):
    sub = r.choice(["", "www.", "login.", "cdn.", "a%d." % r.randint(1, 99)])
    return "%s%s%d.%s" % (sub, r.choice(NAMES), r.randint(1, 5000),
                          r.choice(TLDS))


def url(r):
    return "%s://%s/%s?id=%d" % (r.choice(["http", "https"]), dom(r),
                                 r.choice(["index.php", "login", "a/b/c.html",
                                           "wp-content/x.js", ""]),
                                 r.randint(1, 99999))


def defang(r, s):
    k = r.random()
    if k < 0.4:
        s = s.replace(".", "[.]")
    elif k < 0.6:
        s = s.replace(".", "(.)")
    if s.startswith("http"):
        s = "hxxp" + s[4:]
    return s


def hexs(r, n):
    return "%0*x" % (n, r.getrandbits(n * 4))


POOL = []


def ioc(r):
    """Mostly a value seen before, as in real reports and logs."""
    if len(POOL) < 20000 or r.random() < 0.1:
        POOL.append(fresh_ioc(r))
        return POOL[-1]
    return r.choice(POOL)


def fresh_ioc(r):
    k = r.randint(0, 9)
    if k == 0:
        return ip(r)
    if k == 1:
        return dom(r)
    if k == 2:
        return url(r)
    if k == 3:
        return "user%d@%s" % (r.randint(1, 999), dom(r))
    if k == 4:
        return hexs(r, r.choice([32, 40, 64]))
    if k == 5:
        return "CVE-20%02d-%d" % (r.randint(10, 24), r.randint(1000, 49999))
    if k == 6:
        return defang(r, url(r))
    if k == 7:
        return defang(r, dom(r))
    if k == 8:
        return ip6(r)
    return "AS%d" % r.randint(1, 400000)


def prose(r, n):
    return " ".join(r.choice(WORDS) for _ in range(n))


def log_lines(r):
    out = []
    for _ in range(200):
        k = r.random()
        if k < 0.6:
            out.append('%s - - [10/Oct/2024:13:%02d:%02d +0900] "GET /%s '
                       'HTTP/1.1" %d %d "%s" "Mozilla/5.0 (Windows NT 10.0; '
                       'Win64; x64) AppleWebKit/537.36 Chrome/120.0"' % (
                           ip(r), r.randint(0, 59), r.randint(0, 59),
                           r.choice(["index.html", "wp-login.php",
                                     "images/logo.png", "api/v1/items?id=3"]),
                           r.choice([200, 404, 301, 500]),
                           r.randint(100, 99999),
                           r.choice(["-", url(r)])))
        elif k < 0.85:
            out.append("Oct 10 13:%02d:%02d fw01 kernel: DROP IN=eth0 "
                       "SRC=%s DST=%s LEN=60 TOS=0x00 PROTO=TCP SPT=%d "
                       "DPT=%d" % (r.randint(0, 59), r.randint(0, 59),
                                   ip(r), ip(r), r.randint(1024, 65535),
                                   r.choice([22, 23, 445, 3389, 8080])))
        else:
            out.append("2024-10-10T13:%02d:%02d.%03dZ app[%d]: session %s "
                       "user=%d status=ok" % (
                           r.randint(0, 59), r.randint(0, 59),
                           r.randint(0, 999), r.randint(100, 9999),
                           hexs(r, 24), r.randint(1, 99999)))
    return "\n".join(out) + "\n"


def mail(r):
    body = []
    for _ in range(r.randint(5, 30)):
        line = prose(r, r.randint(5, 14))
        if r.random() < 0.3:
            line += " " + ioc(r)
        body.append(line + ".")
    att = ""
    if r.random() < 0.3:
        blob = base64.encodebytes(r.randbytes(r.randint(2000, 20000)))
        att = ("\n--b1\nContent-Type: application/octet-stream\n"
               "Content-Transfer-Encoding: base64\n\n" + blob.decode())
    return ("From: reporter%d@%s\nTo: cert@example.org\nSubject: incident "
            "report %d\nDate: Thu, 10 Oct 2024 13:00:00 +0900\n"
            "Message-ID: <%s@%s>\nReceived: from %s (%s) by mx.example.org\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; "
            "boundary=b1\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n"
            "%s\n%s\n--b1--\n\n" % (
                r.randint(1, 999), dom(r), r.randint(1, 99999), hexs(r, 16),
                dom(r), dom(r), ip(r), "\n".join(body), att))


def html(r):
    parts = ["<!DOCTYPE html>\n<html><head><title>%s</title>"
             '<script src="%s"></script></head><body>\n' % (
                 prose(r, 4), url(r))]
    for _ in range(r.randint(10, 40)):
        k = r.random()
        if k < 0.5:
            parts.append("<p>%s</p>\n" % prose(r, r.randint(8, 30)))
        elif k < 0.8:
            parts.append('<a href="%s" class="link">%s</a>\n' % (
                url(r), prose(r, 3)))
        else:
            parts.append('<div style="color:#333;margin:0 auto">%s %s'
                         '</div>\n' % (prose(r, 6), ioc(r)))
    parts.append("</body></html>\n")
    return "".join(parts)


def japanese(r):
    out = []
    for _ in range(r.randint(5, 20)):
        s = "".join(r.choice(JA) for _ in range(r.randint(8, 25)))
        if r.random() < 0.25:
            s += "（" + ioc(r) + "）"
        elif r.random() < 0.1:
            s += ioc(r) + "を確認"
        out.append(s + "。")
    return "".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    want = a.mb * 1024 * 1024
    size = 0
    gens = [log_lines, mail, html, japanese]
    with open(a.out, "w", encoding="utf-8") as f:
        while size < want:
            s = r.choice(gens)(r)
            f.write(s)
            size += len(s.encode("utf-8"))


if __name__ == "__main__":
    main()
