#!/usr/bin/env python3
"""Reads the per-unit logs `run` wrote (OUT/node/*.log, OUT/redis/*.log) and prints the comparison as Markdown.

Per unit and server: tests passed / failed / skipped (ignored by tags or skipped by name) / aborted (an exception
outside a test ended the unit, or the unit hit the wall-clock limit), then the tests that pass on Redis but fail on the
node or never ran there, with the harness' failure message. "% of Redis" counts, over the judged units, the Redis
passes that also pass on the node (a name passing k times on Redis counts k times).
"""
import argparse
import collections
import os
import re

ANSI = re.compile(r'\x1b\[[0-9;]*m')
OK = re.compile(r'^\[ok\]: (.*) \(\d+ ms\)$')
ERR = re.compile(r'^\[err\]: (.*?)(?: in tests/[^ ]+\.tcl)?$')
SKIP = re.compile(r'^\[skip\]: (.*)$')
IGNORE = re.compile(r'^\[ignore\]: (.*)$')
EXC = re.compile(r'^\[exception\]: (.*)$')
DONE = re.compile(r'^\[\d+/\d+ done\]: ')
NEW_ITEM = re.compile(r'^(\[(ok|err|skip|ignore|exception|\d+/\d+ done|ready|TIMEOUT)\b|Killing still running|'
                      r'\[\w+\]: |Testing |Cleanup: |\\o/|!!! |Logged crash|===== |\d+ seconds - )')


CAUSES = [
    (re.compile(r"unknown command '([^']+)'"), lambda m: 'unknown command ' + m.group(1).upper()),
    (re.compile(r"Unknown option or number of arguments for CONFIG SET - '([^']+)'"),
     lambda m: 'CONFIG SET refuses ' + m.group(1)),
    (re.compile(r"unknown subcommand '([^']+)'. Try (\S+) HELP"),
     lambda m: 'unknown subcommand %s %s' % (m.group(2), m.group(1).upper())),
    (re.compile(r"internal error executing '([^']+)'"), lambda m: 'internal error in ' + m.group(1).upper()),
]


def cause(msg):
    """The first recognisable reason in a failure message, or 'other'."""
    for rx, f in CAUSES:
        m = rx.search(msg)
        if m:
            return f(m)
    return 'other'


class UnitResult:
    def __init__(self):
        self.ok = collections.Counter()
        self.err = collections.OrderedDict()   # name -> first failure message
        self.err_count = collections.Counter()
        self.skipped = 0
        self.exception = None
        self.timeout = False
        self.finished = False
        self.ran = False
        self.notes = []
        self.last_err = None


def parse(log_path, rc_path, notes_path):
    r = UnitResult()
    if not os.path.exists(log_path):
        return None
    r.ran = True
    lines = [ANSI.sub('', l.rstrip('\n')) for l in open(log_path, encoding='utf-8', errors='replace')]
    i = 0
    while i < len(lines):
        line = lines[i]
        m = OK.match(line)
        if m:
            r.ok[m.group(1)] += 1
            i += 1
            continue
        m = ERR.match(line)
        if m:
            name = m.group(1)
            detail = []
            j = i + 1
            while j < len(lines) and not NEW_ITEM.match(lines[j]) and len(detail) < 12:
                if lines[j].strip():
                    detail.append(lines[j].strip())
                j += 1
            r.err_count[name] += 1
            r.err.setdefault(name, ' | '.join(detail)[:600])
            r.last_err = (detail[0] if detail else name)[:300]
            i = j
            continue
        if SKIP.match(line) or IGNORE.match(line):
            r.skipped += 1
        m = EXC.match(line)
        if m:
            detail = [m.group(1)] + [l.strip() for l in lines[i + 1:i + 3] if l.strip()]
            r.exception = ' | '.join(detail)[:300]
            if r.last_err:
                r.exception += ' — after: ' + r.last_err
        if DONE.match(line):
            r.finished = True
        i += 1
    if os.path.exists(rc_path):
        rc = open(rc_path).read().split()[0]
        if rc in ('124', '137'):
            r.timeout = True
    if not r.finished and r.exception is None and not r.timeout:
        tail = [l for l in lines[-6:] if l.strip()]
        r.exception = 'unit did not finish: ' + ' | '.join(tail)[:400]
    if os.path.exists(notes_path):
        # One note per refused directive (the values, e.g. socket paths, differ from server to server).
        notes = set()
        for l in open(notes_path, encoding='utf-8', errors='replace'):
            l = l.rstrip('\n')
            m = re.match(r"config\tcommented out '(\S+)[^']*': (.*)$", l)
            if m:
                l = "config\trefused config directive '%s' (%s)" % (m.group(1), m.group(2))
            notes.add(l)
        r.notes = sorted(notes)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--judged', default='')
    ap.add_argument('units', nargs='+')
    a = ap.parse_args()
    judged = set(a.judged.split())
    res = {}
    for server in ('node', 'redis'):
        for unit in a.units:
            base = os.path.join(a.out, server, unit.replace('/', '_'))
            res[(server, unit)] = parse(base + '.log', base + '.rc', base + '.notes')

    def cell(r):
        if r is None:
            return 'not run'
        s = '%d / %d / %d' % (sum(r.ok.values()), sum(r.err_count.values()), r.skipped)
        if r.timeout:
            s += ' TIMEOUT'
        elif r.exception:
            s += ' ABORTED'
        return s

    out = []
    out.append('| unit | Redis ok / failed / skipped | node ok / failed / skipped | Redis passes also passing on node |')
    out.append('|---|---|---|---|')
    tot_redis = tot_both = 0
    jt_redis = jt_both = 0
    lost = []
    for unit in a.units:
        rr, nr = res[('redis', unit)], res[('node', unit)]
        both = redis_ok = 0
        if rr is not None:
            redis_ok = sum(rr.ok.values())
            for name, k in rr.ok.items():
                n = nr.ok.get(name, 0) if nr is not None else 0
                both += min(k, n)
                if n < k:
                    if nr is not None and name in nr.err:
                        lost.append((unit, name, 'failed', nr.err[name]))
                    else:
                        lost.append((unit, name, 'not run', ''))
        tot_redis += redis_ok
        tot_both += both
        if unit in judged:
            jt_redis += redis_ok
            jt_both += both
        pct = ('%.0f%%' % (100.0 * both / redis_ok)) if redis_ok else '-'
        out.append('| %s | %s | %s | %d / %d (%s) |' % (unit, cell(rr), cell(nr), both, redis_ok, pct))
    out.append('')
    if jt_redis:
        out.append('Judged units: the node passes %d of the %d tests Redis passes (%.1f%%).'
                   % (jt_both, jt_redis, 100.0 * jt_both / jt_redis))
    if tot_redis and tot_redis != jt_redis:
        out.append('All units listed: %d of %d (%.1f%%).' % (tot_both, tot_redis, 100.0 * tot_both / tot_redis))
    out.append('')
    aborted = [(u, s, res[(s, u)]) for u in a.units for s in ('node', 'redis')
               if res[(s, u)] is not None and (res[(s, u)].exception or res[(s, u)].timeout)]
    if aborted:
        out.append('## Units that did not finish')
        out.append('')
        for u, s, r in aborted:
            out.append('- %s on %s: %s' % (u, s, 'TIMEOUT' if r.timeout else r.exception))
        out.append('')
    notes = [(u, n) for u in a.units for n in (res[('node', u)].notes if res[('node', u)] else [])]
    if notes:
        out.append('## Runner workarounds applied to the node')
        out.append('')
        seen = collections.OrderedDict()
        for u, n in notes:
            seen.setdefault(n, []).append(u)
        ran = [u for u in a.units if res[('node', u)] is not None]
        for n, us in seen.items():
            where = 'every unit' if len(us) == len(ran) else ', '.join(us)
            out.append('- %s (%s)' % (n.replace('\t', ': ', 1), where))
        out.append('')
    out.append('## Tests that pass on Redis and not on the node')
    out.append('')
    for unit, name, how, msg in lost:
        out.append('- `%s` — %s — %s%s' % (unit, name, how, (': ' + msg) if msg else ''))
    by_cause = collections.OrderedDict()
    for unit, name, how, msg in lost:
        c = cause(msg) if how == 'failed' else 'not run (unit aborted before it)'
        by_cause.setdefault(c, []).append((unit, name))
    out.append('')
    out.append('## The same, by cause')
    out.append('')
    for c, tests in sorted(by_cause.items(), key=lambda kv: (kv[0] == 'other', -len(kv[1]))):
        units = collections.Counter(u for u, _ in tests)
        out.append('- %s: %d tests (%s)' % (c, len(tests), ', '.join('%s %d' % (u, n) for u, n in units.items())))
    print('\n'.join(out))


if __name__ == '__main__':
    main()
