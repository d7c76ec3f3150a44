#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs InQuest's iocextract (the peer) for the extraction benchmark.

  peer_iocextract.py time FILE   extract_iocs(refang=True, strip=True) over
                                 FILE; prints bytes, CPU seconds, MB/s,
                                 count
  peer_iocextract.py list FILE   the indicators of FILE as type<TAB>value

The peer is not part of kizuki: set IOCEXTRACT_DIR to a checkout of
https://github.com/InQuest/python-iocextract and run this with Debian's
python3 with python3-regex installed."""
import os
import sys
import time

peer = os.environ.get("IOCEXTRACT_DIR")
if not peer or not os.path.isfile(os.path.join(peer, "iocextract.py")):
    sys.exit("peer_iocextract.py: set IOCEXTRACT_DIR to a checkout of "
             "https://github.com/InQuest/python-iocextract")
sys.path.insert(0, peer)
import iocextract  # noqa: E402


def chunks(text, size=1 << 20):
    """Pieces of about size characters cut at line ends, so that one
    exception in the peer loses one piece, not the run."""
    i = 0
    while i < len(text):
        j = text.find("\n", i + size)
        j = len(text) if j < 0 else j + 1
        yield text[i:j]
        i = j


def run_all(text):
    n = errors = 0
    for piece in chunks(text):
        try:
            for _ in iocextract.extract_iocs(piece, refang=True, strip=True):
                n += 1
        except Exception:
            errors += 1
    return n, errors


def listing(text):
    out = []
    kinds = [
        ("url", lambda t: iocextract.extract_urls(t, refang=True,
                                                  strip=True)),
        ("ipv4", lambda t: iocextract.extract_ipv4s(t, refang=True)),
        ("ipv6", iocextract.extract_ipv6s),
        ("email", lambda t: iocextract.extract_emails(t, refang=True)),
        ("md5", iocextract.extract_md5_hashes),
        ("sha1", iocextract.extract_sha1_hashes),
        ("sha256", iocextract.extract_sha256_hashes),
    ]
    for name, fn in kinds:
        try:
            for v in fn(text):
                v = v.replace("\t", " ").replace("\n", " ")
                out.append("%s\t%s" % (name, v))
        except Exception:
            pass
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("time", "list"):
        sys.exit(__doc__)
    with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
        text = f.read()
    if sys.argv[1] == "list":
        for line in listing(text):
            print(line)
        return
    size = len(text.encode("utf-8"))
    t0 = time.process_time()
    n, errors = run_all(text)
    dt = time.process_time() - t0
    print("bytes %d\nseconds %.3f\nmb_per_s %.2f\nfound %d\nerrors %d" % (
        size, dt, size / 1e6 / dt, n, errors))


if __name__ == "__main__":
    main()
