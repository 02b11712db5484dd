#!/usr/bin/env bash
# redis.call from scripts: CPU ms (user+sys of the server process, /proc/PID/stat) over N EVALs sent by one
# redis-benchmark client, Cinnabar vs redis-server in the same run, min of ROUNDS after a warm-up round.
# usage: bench/lua-redis-call.sh server-assembly/target/cinnabar-server.jar [names]   (N=20000; N=5 for *1e5;
# N=200 for fib, tail and method: Lua calls without redis.call, about 5 ms of lua5.1 CPU per EVAL)
set -u
. "$(dirname "$0")/../bin/lib/jdk.sh"; J=$JAVA
jar=$1; shift
N=${N:-20000}; ROUNDS=${ROUNDS:-3}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
op=$(fp); $J -XX:+UseParallelGC -Xmn64m -Xss512k -XX:+UseCompactObjectHeaders ${EXTRA:-} -jar "$jar" --port $op --bind 127.0.0.1 --save "" --logfile $work/c.log & pids+=($!); opid=$!
rp=$(fp); redis-server --port $rp --bind 127.0.0.1 --save "" --appendonly no --dir $work --logfile $work/r.log & pids+=($!); rpid=$!
up $op; up $rp
declare -A S
S[hset100]="for i=1,100 do redis.call('HSET', KEYS[1], 'f'..i, i) end return 1"
S[get100]="for i=1,100 do redis.call('GET', KEYS[2]) end return 1"
S[incr100]="for i=1,100 do redis.call('INCR', KEYS[2]) end return 1"
S[hgetall]="local t = redis.call('HGETALL', KEYS[1]) return #t"
S[evalonly]="return 1"
S[loop1e5]="for i=1,100000 do redis.call('INCR', KEYS[2]) redis.call('HSET', KEYS[1], i % 100, i) end return 1"
S[get1e5]="for i=1,100000 do redis.call('GET', KEYS[2]) end return 1"
S[hget1e5]="for i=1,100000 do redis.call('HGET', KEYS[1], 'f50') end return 1"
S[evalsha]="return 1"
S[fib]="local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(25)"
S[tail]="local function f(n, a) if n == 0 then return a end return f(n-1, a+1) end return f(300000, 0)"
S[method]="local o={v=0} function o:add(x) self.v=self.v+x end for i=1,100000 do o:add(i) end return o.v"
tck=$(getconf CLK_TCK)
cpu() { awk -v t="$tck" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$1/stat"; }
run() { local c0; c0=$(cpu $2); redis-benchmark -p $1 -n $N -c 1 -q eval "$3" 2 bench-h bench-s >/dev/null 2>&1; echo $(( $(cpu $2) - c0 )); }
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(evalonly get100 incr100 hset100 hgetall)
printf '%-9s %8s %8s %6s\n' script ours redis ratio
redis-cli -p $op set bench-s 1 >/dev/null; redis-cli -p $rp set bench-s 1 >/dev/null
for n in "${names[@]}"; do
  s="${S[$n]}"
  run $op $opid "$s" >/dev/null; run $rp $rpid "$s" >/dev/null
  o=$(for r in $(seq $ROUNDS); do run $op $opid "$s"; done | sort -n | head -1)
  r=$(for r in $(seq $ROUNDS); do run $rp $rpid "$s"; done | sort -n | head -1)
  printf '%-9s %8s %8s %6s\n' $n $o $r $(awk -v a=$o -v b=$r 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-"}')
done
