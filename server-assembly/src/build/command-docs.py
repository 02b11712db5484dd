#!/usr/bin/env python3
"""Regenerates src/main/resources/io/cinnabar/server/internal/redis-7.2-command-docs.json.

Starts a real redis-server (default /usr/bin/redis-server, the apt 7.0.15 oracle) on a free port, reads
COMMAND DOCS over RESP3, checks that every field has the RESP type the renderer assumes (see CommandDocs.java),
applies the hand-written Redis 7.2 differences in command-docs-7.2-patch.json and writes one command per line,
sorted by name. Run from the repository root:

    python3 server-assembly/src/build/command-docs.py [--server /usr/bin/redis-server] [--no-patch]

Given a 7.2 server, run it with --no-patch: the capture is then the whole answer.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'main', 'resources', 'io', 'cinnabar', 'server', 'internal',
                   'redis-7.2-command-docs.json')
PATCH = os.path.join(HERE, 'command-docs-7.2-patch.json')
DOC_ORDER = ['summary', 'since', 'group', 'complexity', 'module', 'doc_flags', 'deprecated_since',
             'replaced_by', 'history', 'arguments', 'subcommands']


class Resp3:
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.f = self.sock.makefile('rb')

    def call(self, *args):
        parts = [a.encode() for a in args]
        self.sock.sendall(b'*%d\r\n' % len(parts) + b''.join(b'$%d\r\n%s\r\n' % (len(p), p) for p in parts))
        return self.read()

    def read(self):
        line = self.f.readline()[:-2]
        t, body = chr(line[0]), line[1:]
        if t == '+':
            return ('status', body.decode())
        if t == '-':
            raise RuntimeError(body.decode())
        if t == ':':
            return ('int', int(body))
        if t == '$':
            return ('bulk', self.f.read(int(body) + 2)[:-2].decode())
        if t in '*~':
            return ('array' if t == '*' else 'set', [self.read() for _ in range(int(body))])
        if t == '%':
            return ('map', [(self.read(), self.read()) for _ in range(int(body))])
        raise RuntimeError('unexpected RESP3 type ' + t)


def expect(node, kind, where):
    if node[0] != kind:
        raise SystemExit('%s: expected %s, got %s' % (where, kind, node[0]))
    return node[1]


def arg(node, where):
    out = {}
    for k, v in expect(node, 'map', where):
        key = expect(k, 'bulk', where)
        if key == 'key_spec_index':
            out[key] = expect(v, 'int', where + '.' + key)
        elif key == 'flags':
            out[key] = [expect(f, 'status', where + '.flags') for f in expect(v, 'set', where + '.flags')]
        elif key == 'arguments':
            out[key] = [arg(a, where + '.' + out.get('name', '?')) for a in expect(v, 'array', where)]
        else:
            out[key] = expect(v, 'bulk', where + '.' + key)
    return out


def docs(node, where):
    out = {}
    for k, v in expect(node, 'map', where):
        key = expect(k, 'bulk', where)
        if key == 'doc_flags':
            out[key] = [expect(f, 'status', where) for f in expect(v, 'set', where + '.doc_flags')]
        elif key == 'history':
            out[key] = [[expect(x, 'bulk', where) for x in expect(h, 'array', where)]
                        for h in expect(v, 'set', where + '.history')]
        elif key == 'arguments':
            out[key] = [arg(a, where) for a in expect(v, 'array', where + '.arguments')]
        elif key == 'subcommands':
            out[key] = {expect(n, 'bulk', where): docs(d, expect(n, 'bulk', where))
                        for n, d in expect(v, 'map', where + '.subcommands')}
        else:
            out[key] = expect(v, 'bulk', where + '.' + key)
    if [k for k in out] != [k for k in DOC_ORDER if k in out]:
        raise SystemExit('%s: unexpected key order %s' % (where, list(out)))
    return out


def capture(server):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.Popen([server, '--port', str(port), '--save', '', '--appendonly', 'no', '--dir', d],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    r = Resp3(port)
                    break
                except OSError:
                    time.sleep(0.05)
            r.call('HELLO', '3')
            version = dict((k[1], v[1]) for k, v in r.call('HELLO', '3')[1])['version']
            reply = r.call('COMMAND', 'DOCS')
        finally:
            p.terminate()
            p.wait()
    return version, {expect(n, 'bulk', 'name'): docs(d, n[1]) for n, d in expect(reply, 'map', 'reply')}


def ordered(d):
    out = {k: d[k] for k in DOC_ORDER if k in d and d[k] is not None}
    if 'subcommands' in out:
        out['subcommands'] = {n: ordered(out['subcommands'][n]) for n in sorted(out['subcommands'])}
    return out


def apply(cmds, patch):
    for full, change in patch['commands'].items():
        parent, _, sub = full.partition('|')
        table = cmds if not sub else cmds[parent].setdefault('subcommands', {})
        name = full
        if name in table:
            merged = dict(table[name])
            merged.update(change)
            table[name] = merged
        else:
            table[name] = change


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', default='/usr/bin/redis-server')
    ap.add_argument('--no-patch', action='store_true')
    a = ap.parse_args()
    version, cmds = capture(a.server)
    if not a.no_patch:
        with open(PATCH) as f:
            apply(cmds, json.load(f))
    with open(OUT, 'w') as f:
        f.write('{"_source": %s,\n' % json.dumps('COMMAND DOCS of redis-server ' + version
                                                 + ('' if a.no_patch else ' + command-docs-7.2-patch.json')))
        names = sorted(cmds)
        for i, n in enumerate(names):
            f.write('%s: %s%s\n' % (json.dumps(n), json.dumps(ordered(cmds[n]), separators=(',', ':')),
                                    ',' if i < len(names) - 1 else '}'))
    print('%d commands from redis-server %s -> %s' % (len(cmds), version, os.path.relpath(OUT)))


if __name__ == '__main__':
    main()
