#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extraction benchmark: kizuki's scanner against InQuest's iocextract.

  bench/extract/run.py BUILD_DIR

1. Generates a mixed corpus (logs, mails, HTML, Japanese prose; CORPUS_MB,
   default 150) with gen_corpus.py, unless it exists already.
2. Times kizuki (BUILD_DIR/bench/bench_extract, best of 3, one core) and
   the peer (extract_iocs over the same file, once) and prints MB/s and the
   speed ratio. PEER_MB (default: the whole corpus) times the peer on the
   first PEER_MB megabytes only, for a quicker run.
3. Scores both on the labelled cases of tests/data/extract: precision and
   recall over all labels and over the types both extract (url, ipv4, ipv6,
   email, md5, sha1, sha256). The peer's values are put in kizuki's
   canonical form first, and e-mail addresses compared without case, so
   that spelling differences do not count. The labels follow kizuki's
   conventions: a URL's host is not listed again as an address or domain,
   and version numbers such as 1.2.3.4.5 hold no address.

The peer is not shipped with kizuki. Get it with
  git clone https://github.com/InQuest/python-iocextract
and point IOCEXTRACT_DIR at it; it runs with Debian's python3 and
python3-regex (apt-get install python3 python3-regex), PEER_PYTHON
(default /usr/bin/python3)."""
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
COMMON = {"url", "ipv4", "ipv6", "email", "md5", "sha1", "sha256"}


def kv(text):
    out = {}
    for line in text.splitlines():
        k, _, v = line.partition(" ")
        out[k] = v
    return out


def score(pairs, only=None):
    tp = fp = fn = 0
    for want, got in pairs:
        if only is not None:
            want = {x for x in want if x[0] in only}
            got = {x for x in got if x[0] in only}
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, tp, fp, fn


def lines_to_set(text):
    s = set()
    for line in text.splitlines():
        t, _, v = line.partition("\t")
        if t == "email":
            v = v.lower()  # the peer lower-cases local parts; kizuki keeps them
        if t and v:
            s.add((t, v))
    return s


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    bench = os.path.join(build, "bench", "bench_extract")
    if not os.access(bench, os.X_OK):
        sys.exit("run.py: %s not found; build with meson/ninja first" % bench)
    peer_dir = os.environ.get("IOCEXTRACT_DIR")
    py = os.environ.get("PEER_PYTHON", "/usr/bin/python3")
    peer = [py, os.path.join(HERE, "peer_iocextract.py")]
    work = os.environ.get("BENCH_DIR", "/tmp/kizuki-bench")
    os.makedirs(os.path.join(work, "extract"), exist_ok=True)
    mb = int(os.environ.get("CORPUS_MB", "150"))
    corpus = os.path.join(work, "extract", "corpus-%d.txt" % mb)
    if not os.path.exists(corpus):
        print("generating a %d MB corpus ..." % mb, flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"),
                        "--mb", str(mb), corpus], check=True)

    k = kv(subprocess.run([bench, "--rounds", "3", corpus], check=True,
                          capture_output=True, text=True).stdout)
    print("kizuki     %s bytes  %s s  %s MB/s  %s distinct indicators" % (
        k["bytes"], k["seconds"], k["mb_per_s"], k["distinct"]), flush=True)

    if not peer_dir:
        print("iocextract skipped: clone "
              "https://github.com/InQuest/python-iocextract outside this "
              "repository and set IOCEXTRACT_DIR to it (it needs Debian's "
              "python3 and python3-regex)")
        return
    peer_input = corpus
    peer_mb = os.environ.get("PEER_MB")
    if peer_mb:
        peer_input = os.path.join(work, "extract", "peer-%s.txt" % peer_mb)
        with open(corpus, "rb") as f:
            data = f.read(int(peer_mb) * 1024 * 1024)
        data = data[:data.rfind(b"\n") + 1]
        with open(peer_input, "wb") as f:
            f.write(data)
    pk = kv(subprocess.run(peer + ["time", peer_input], check=True,
                           capture_output=True, text=True).stdout)
    print("iocextract %s bytes  %s s  %s MB/s  %s found  %s failed pieces" % (
        pk["bytes"], pk["seconds"], pk["mb_per_s"], pk["found"],
        pk["errors"]))
    print("speed ratio kizuki/iocextract: %.0fx" % (
        float(k["mb_per_s"]) / float(pk["mb_per_s"])))

    kz_pairs, peer_pairs = [], []
    for txt in sorted(glob.glob(os.path.join(TOP, "tests", "data", "extract",
                                             "*.txt"))):
        with open(txt[:-4] + ".expected", encoding="utf-8") as f:
            want = lines_to_set(f.read())
        got = subprocess.run([bench, "--list", txt], check=True,
                             capture_output=True, text=True).stdout
        kz_pairs.append((want, lines_to_set(got)))
        raw = subprocess.run(peer + ["list", txt], check=True,
                             capture_output=True, text=True).stdout
        canon = subprocess.run([bench, "--canon"], input=raw, check=True,
                               capture_output=True, text=True).stdout
        peer_pairs.append((want, lines_to_set(canon)))
    print("labelled cases: %d (tests/data/extract)" % len(kz_pairs))
    for label, only in (("all types", None),
                        ("types both extract", COMMON)):
        for name, pairs in (("kizuki", kz_pairs), ("iocextract", peer_pairs)):
            p, r, tp, fp, fn = score(pairs, only)
            print("%-19s %-10s precision %.3f  recall %.3f  "
                  "(tp %d, fp %d, fn %d)" % (label, name, p, r, tp, fp, fn))


if __name__ == "__main__":
    main()
