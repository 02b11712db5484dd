"""redis-py (the distribution's python3-redis) against a server on the port given as argv[1]:
pub/sub with channels and patterns, a pipeline with and without a transaction, WATCH with a conflicting write,
and, with --lock, the Lock helper (its release is an EVALSHA script: needs scripting). Prints OK and exits 0
when every check holds; any failure raises (exit 1)."""
import sys
import threading
import time

import redis

port = int(sys.argv[1])
r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
r.flushall()

# pub/sub
p = r.pubsub()
p.subscribe("chan")
p.psubscribe("pat.*")
def next_message():
    for _ in range(200):
        m = p.get_message(timeout=0.05)
        if m is not None and m["type"] in ("message", "pmessage"):
            return m
    raise AssertionError("no message")
for _ in range(2):  # the two subscribe confirmations
    m = None
    for _ in range(200):
        m = p.get_message(timeout=0.05)
        if m is not None:
            break
    assert m is not None and m["type"] in ("subscribe", "psubscribe"), m
assert r.publish("chan", "hello") == 1
m = next_message()
assert (m["type"], m["channel"], m["data"]) == ("message", "chan", "hello"), m
assert r.publish("pat.x", "world") == 1
m = next_message()
assert (m["type"], m["pattern"], m["channel"], m["data"]) == ("pmessage", "pat.*", "pat.x", "world"), m
assert r.pubsub_numsub("chan") == [("chan", 1)], r.pubsub_numsub("chan")
assert r.pubsub_numpat() == 1
p.unsubscribe()
p.punsubscribe()
p.close()
for _ in range(100):
    if r.publish("chan", "gone") == 0:
        break
    time.sleep(0.02)
assert r.publish("chan", "gone") == 0

# pipeline without and with a transaction
pipe = r.pipeline(transaction=False)
pipe.set("a", 1).incr("a").get("a")
assert pipe.execute() == [True, 2, "2"]
pipe = r.pipeline()
pipe.set("b", "x").append("b", "y").get("b")
assert pipe.execute() == [True, 2, "xy"]

# WATCH: a write from another connection aborts the transaction
other = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
with r.pipeline() as pipe:
    pipe.watch("w")
    other.set("w", "changed")
    pipe.multi()
    pipe.set("w", "mine")
    try:
        pipe.execute()
        raise AssertionError("EXEC should have failed")
    except redis.WatchError:
        pass
assert r.get("w") == "changed"
def incr(pipe):
    v = int(pipe.get("counter") or 0)
    pipe.multi()
    pipe.set("counter", v + 1)
assert r.transaction(incr, "counter") == [True]
assert r.get("counter") == "1"

if "--lock" not in sys.argv:
    print("OK")
    sys.exit(0)

# Lock helper: exclusive, released, expiring
lock = r.lock("resource", timeout=5, blocking_timeout=1)
assert lock.acquire()
second = r.lock("resource", timeout=5, blocking_timeout=0.2)
assert not second.acquire()
assert lock.owned()
lock.release()
assert second.acquire()
second.release()
assert r.get("resource") is None
done = []
def worker():
    with r.lock("shared", timeout=5, blocking_timeout=5):
        v = int(r.get("n") or 0)
        time.sleep(0.01)
        r.set("n", v + 1)
    done.append(1)
threads = [threading.Thread(target=worker) for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert r.get("n") == "5", r.get("n")
print("OK")
