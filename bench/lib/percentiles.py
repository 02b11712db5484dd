"""p50 p99 p99.9 max (ms) and requests/s from redis-benchmark outputs (bench/latency.sh, bench/latency-threads.sh).

Usage: percentiles.py FILE...  prints "p50 p99 p99.9 max rps". Several files: their percentile distributions are
merged by cumulative counts and their rps summed (runs at the same time); with SEQUENTIAL=1 in the environment rps is
the requests over the summed durations (runs one after another). "- - - - -" when no distribution was found.
"""
import re, sys
import os
points, rps, seconds, count = [], 0.0, 0.0, 0
for f in sys.argv[1:]:
    text = open(f, errors="replace").read().replace("\r", "\n")
    prev = 0
    for pct, ms, cum in re.findall(r"^\s*([0-9.]+)% <= ([0-9.]+) milliseconds \(cumulative count (\d+)\)", text, re.M):
        points.append((float(ms), int(cum) - prev)); prev = int(cum)
    m = re.search(r"throughput summary: ([0-9.]+) requests per second", text)
    rps += float(m.group(1)) if m else 0
    if m and float(m.group(1)) > 0:
        seconds += prev / float(m.group(1)); count += prev
if os.environ.get("SEQUENTIAL") and seconds > 0:
    rps = count / seconds  # runs one after another: requests over the summed durations
if not points:
    print("- - - - -"); sys.exit()
points.sort(); total = sum(c for _, c in points); out = []
for q in (0.5, 0.99, 0.999):
    acc = 0
    for ms, c in points:
        acc += c
        if acc >= q * total:
            out.append(ms); break
out.append(points[-1][0])
print(" ".join(f"{v:.3f}" for v in out), f"{rps:.0f}")
