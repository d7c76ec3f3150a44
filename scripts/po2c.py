#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns a GNU gettext .po file into a C table sorted by msgid, so the
program carries its translations and looks them up per request without
depending on the process locale."""
import sys


def unquote(s):
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError('expected a quoted string: %r' % s)
    out, i, body = [], 0, s[1:-1]
    esc = {'n': '\n', 't': '\t', '"': '"', '\\': '\\', 'r': '\r'}
    while i < len(body):
        c = body[i]
        if c == '\\' and i + 1 < len(body):
            out.append(esc.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def parse(path):
    entries, cur, field, fuzzy = [], {}, None, False
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    lines.append('')
    for line in lines:
        line = line.strip()
        if line.startswith('#,') and 'fuzzy' in line:
            fuzzy = True
        if not line or line.startswith('#'):
            if 'msgid' in cur and 'msgstr' in cur and not line:
                if cur['msgid'] and cur['msgstr'] and not fuzzy:
                    entries.append((cur['msgid'], cur['msgstr']))
                cur, field, fuzzy = {}, None, False
            continue
        if line.startswith('msgid '):
            if 'msgstr' in cur:
                if cur['msgid'] and cur['msgstr'] and not fuzzy:
                    entries.append((cur['msgid'], cur['msgstr']))
                cur, fuzzy = {}, False
            field = 'msgid'
            cur[field] = unquote(line[6:])
        elif line.startswith('msgstr '):
            field = 'msgstr'
            cur[field] = unquote(line[7:])
        elif line.startswith('"') and field:
            cur[field] += unquote(line)
    return entries


def cstr(s):
    b = s.encode('utf-8')
    out = []
    for ch in b:
        if ch == 0x22:
            out.append('\\"')
        elif ch == 0x5c:
            out.append('\\\\')
        elif ch == 0x0a:
            out.append('\\n')
        elif ch == 0x09:
            out.append('\\t')
        elif ch < 0x20 or ch >= 0x7f:
            out.append('\\%03o' % ch)
        else:
            out.append(chr(ch))
    return '"' + ''.join(out) + '"'


def main():
    src, dst, name = sys.argv[1], sys.argv[2], sys.argv[3]
    entries = parse(src)
    seen = {}
    for k, v in entries:
        seen[k] = v
    items = sorted(seen.items(), key=lambda kv: kv[0].encode('utf-8'))
    with open(dst, 'w', encoding='ascii') as f:
        f.write('/* Generated from %s by scripts/po2c.py; do not edit. */\n'
                % src.split('/')[-1])
        f.write('#include "core/i18n_int.h"\n\n')
        f.write('const struct kz_i18n_entry %s[] = {\n' % name)
        for k, v in items:
            f.write('\t{ %s,\n\t    %s },\n' % (cstr(k), cstr(v)))
        f.write('};\n')
        f.write('const unsigned long %s_len = %d;\n' % (name, len(items)))


if __name__ == '__main__':
    main()
