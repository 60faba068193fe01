#!/usr/bin/env python3
"""Writes the seed corpora of the binary fuzz targets from real encodings (Docs/FUZZING.md).

    Fuzz/Support/make-corpus.py JOURNAL.rj [JOURNAL.rj ...]

Each journal is one written by Rounds (`rounds demo`, or `rounds init` + `rounds import` +
`rounds exec`), with its snapshot next to it (`rounds journal snapshot JOURNAL.rj`). From them:
  Fuzz/event/corpus     type byte + payload of up to three records of each event type
  Fuzz/journal/corpus   flags byte + the journal cut after 1, 2, 5, 12 and 30 records, whole
  Fuzz/snapshot/corpus  mode byte + the snapshot (modes 1, 2, 3) or its body alone (mode 0)
Synthetic data only. The text targets' seeds (parser, theme, config, csv) are written by hand.
"""
import hashlib, os, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def put(target, data):
    d = os.path.join(ROOT, "Fuzz", target, "corpus")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7F) << s; s += 7
        if c < 0x80: return v, i

per_type = {}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    at, ends = 16, []
    while at + 12 <= len(data):
        length = struct.unpack_from("<I", data, at)[0]
        if length == 0: break
        body = data[at + 12: at + 12 + length]
        actor = body[48]
        _, i = varint(body, 49 + actor)
        code = struct.unpack_from("<H", body, i)[0]
        payload = body[i + 2:]
        seen = per_type.setdefault(code, set())
        if len(seen) < 3 and payload not in seen and code < 256:
            seen.add(payload); put("event", bytes([code]) + payload)
        at += 12 + length
        ends.append(at)
    for n in (1, 2, 5, 12, 30):
        if n <= len(ends):
            for flags in (0, 3):
                put("journal", bytes([flags]) + data[:ends[n - 1]])
    if ends and len(ends) <= 30:
        put("journal", bytes([2]) + data[:ends[-1]] + bytes(64))   # space made ready at the end
    snap = path + ".snapshot"
    if os.path.exists(snap) and os.path.getsize(snap) <= 4096:
        s = open(snap, "rb").read()
        put("snapshot", bytes([2]) + s)
        put("snapshot", bytes([1]) + s)
        put("snapshot", bytes([3]) + s)
        put("snapshot", bytes([0]) + s[104:])
