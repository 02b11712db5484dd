#!/usr/bin/env python3
"""Eviction quality of one running server, measured as Redis measures its approximated LRU/LFU.

Usage: eviction-quality.py PORT POLICY   (the server runs with maxmemory and POLICY already set)

allkeys-lru: Redis's LRU simulation (utils/lru/test-lru.rb, the chart in the "key eviction" docs), adapted to the
  1-second LRU clock: fill until the first eviction (N keys), then read the keys back in 4 groups one second apart
  (group 0 least recently used ... group 3 most recently used), then add new keys until N/2 more were evicted.
  Perfect LRU evicts exactly groups 0 and 1. Prints the share of each group that survived and "precision": the
  share of the evicted original keys that came from the older half.
allkeys-lfu: a hot set (every 10th key) read 20 times, the others once; then new keys until N/2 more were evicted.
  Perfect LFU keeps every hot key. Prints the share of hot and of cold keys that survived. Starts just after a
  minute boundary (the counters decay by the minute: see lfu()), so it may wait up to a minute.
Both print one line: key=value pairs.
"""
import sys
import time

import redis


def evicted(r):
    return int(r.info("stats")["evicted_keys"])


def set_batch(r, prefix, first, n):
    """SETs n keys pipelined; returns how many were refused (OOM: nothing could be evicted at that moment)."""
    p = r.pipeline(transaction=False)
    for i in range(first, first + n):
        p.set("%s%d" % (prefix, i), "x" * 16)
    return sum(1 for x in p.execute(raise_on_error=False) if isinstance(x, Exception))


def fill_until_eviction(r, prefix):
    start = evicted(r)
    n = 0
    while evicted(r) == start:
        if set_batch(r, prefix, n, 20) == 20:
            break
        n += 20
    return n, r.dbsize()


def add_until(r, count, prefix):
    start = evicted(r)
    i = 0
    refused = 0
    while evicted(r) - start < count and refused < 100:
        refused = refused + 1 if set_batch(r, prefix, i, 20) == 20 else 0
        i += 20
    return i


def present(r, n, prefix):
    p = r.pipeline(transaction=False)
    for i in range(n):
        p.exists("%s%d" % (prefix, i))
    return ["%s%d" % (prefix, i) for i, e in enumerate(p.execute()) if e]


def survived(r, keys):
    if not keys:
        return 0.0
    p = r.pipeline(transaction=False)
    for k in keys:
        p.exists(k)
    return sum(p.execute()) / len(keys)


def lru(r):
    n, size = fill_until_eviction(r, "k:")
    keys = present(r, n, "k:")
    groups = [keys[g * len(keys) // 4:(g + 1) * len(keys) // 4] for g in range(4)]
    for g in groups:
        time.sleep(1.05)  # the LRU clock has a 1-second resolution
        p = r.pipeline(transaction=False)
        for k in g:
            p.get(k)
        p.execute()
    time.sleep(1.05)
    add_until(r, len(keys) // 2, "n:")
    s = [survived(r, g) for g in groups]
    gone_old = sum((1 - s[g]) * len(groups[g]) for g in (0, 1))
    gone = sum((1 - s[g]) * len(groups[g]) for g in range(4))
    print("keys=%d g0=%.3f g1=%.3f g2=%.3f g3=%.3f precision=%.3f"
          % (len(keys), s[0], s[1], s[2], s[3], gone_old / gone if gone else 1.0))


def lfu(r):
    # LFU counters decay once per lfu-decay-time minutes of the wall clock (unix minutes): a run that straddles a
    # minute boundary sees every old key lose one step at once, hot and cold alike, which measures the clock, not
    # the policy (and a server that holds more keys takes longer, so straddles more often). Start just after a
    # minute boundary; "crossed" reports whether the run still straddled one (it then took over a minute).
    if time.time() % 60 > 3:
        time.sleep(60.2 - time.time() % 60)
    minute = int(time.time() // 60)
    n, size = fill_until_eviction(r, "k:")
    keys = present(r, n, "k:")
    hot = keys[::10]
    cold = [k for i, k in enumerate(keys) if i % 10]
    p = r.pipeline(transaction=False)
    for _ in range(20):
        for k in hot:
            p.get(k)
    for k in cold:
        p.get(k)
    p.execute()
    add_until(r, len(keys) // 2, "n:")
    crossed = int(time.time() // 60) != minute
    print("keys=%d hot=%.3f cold=%.3f crossed=%d" % (len(keys), survived(r, hot), survived(r, cold), crossed))


def main():
    port, policy = int(sys.argv[1]), sys.argv[2]
    r = redis.Redis(port=port, decode_responses=True)
    {"allkeys-lru": lru, "allkeys-lfu": lfu}[policy](r)


if __name__ == "__main__":
    main()
