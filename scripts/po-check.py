#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Lists the user-visible strings of the C sources (kz_error_set formats,
_() and N_() texts) that po/ja.po does not translate. With --pot, writes
the missing ones as empty .po entries to standard output. Exits 1 when
any is missing, so every message exists in Japanese and English."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CALL = re.compile(r'(?:kz_error_set\s*\(\s*[A-Z_]+\s*,|\b_\(|\bN_\()\s*'
                  r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)')
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def unescape(s):
    return bytes(s, 'utf-8').decode('unicode_escape').encode(
        'latin-1').decode('utf-8')


def sources():
    for top in ('src',):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith('.c') or f.endswith('.h'):
                    yield os.path.join(d, f)


def msgids():
    found = {}
    for path in sources():
        with open(path, encoding='utf-8') as f:
            text = f.read()
        # Strings inside macros continue over lines ending in a backslash.
        text = re.sub(r'\\\n', ' \n', text)
        for m in CALL.finditer(text):
            s = ''.join(unescape(x) for x in LIT.findall(m.group(1)))
            if s.strip():
                line = text.count('\n', 0, m.start()) + 1
                found.setdefault(s, '%s:%d' % (os.path.relpath(path, ROOT),
                                               line))
    return found


def translated():
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import po2c
    return {k for k, v in po2c.parse(os.path.join(ROOT, 'po', 'ja.po'))}


def po_escape(s):
    return s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def main():
    have = translated()
    missing = [(k, v) for k, v in msgids().items() if k not in have]
    if '--pot' in sys.argv:
        for k, where in missing:
            print('#: %s\nmsgid "%s"\nmsgstr ""\n' % (where, po_escape(k)))
        return 0
    for k, where in missing:
        print('%s: no Japanese for "%s"' % (where, k))
    if missing:
        print('%d messages lack a Japanese translation in po/ja.po'
              % len(missing))
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
