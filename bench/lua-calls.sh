#!/usr/bin/env bash
# Lua call speed against lua5.1: thread CPU time of each script in a fresh JVM (min of 2 JVMs x 5 calls) and
# lua5.1 user+sys (min of 3). usage: bench/lua-calls.sh lua/target/cinnabar-lua-*.jar [names...]  (N=2000000)
. "$(dirname "$0")/../bin/lib/jdk.sh"; J=$JAVA
jar=$1; shift
N=${N:-2000000}
declare -A S
S[fib]="local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(30)"
S[call]="local function f(a,b) return a+b end local s=0 for i=1,$N do s=f(s,i) end return s"
S[closure]="local k=3 local function f(a) return a+k end local s=0 for i=1,$N do s=s+f(i) end return s"
S[method]="local o={v=0} function o:add(x) self.v=self.v+x end for i=1,$N do o:add(i) end return o.v"
S[vararg]="local function f(...) return select('#',...) end local s=0 for i=1,$N do s=s+f(i,i,i) end return s"
S[varpass]="local function g(a,b,c) return a+b+c end local function f(...) return g(...) end local s=0 for i=1,$N do s=s+f(i,1,2) end return s"
S[unpack]="local t={1,2,3} local function g(a,b,c) return a+b+c end local s=0 for i=1,$N do s=s+g(unpack(t)) end return s"
S[format]="local s for i=1,$((N/4)) do s=string.format('%d:%s', i, 'x') end return s"
S[sub]="local str='hello world' local n=0 for i=1,$N do n=n+#string.sub(str,2,5) end return n"
S[tinsert]="local t={} for i=1,$((N/2)) do table.insert(t,i) end return #table.concat(t,',')"
S[tail]="local function f(n, a) if n == 0 then return a end return f(n-1, a+1) end return f($N, 0)"
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(fib call closure method vararg varpass unpack format sub tinsert tail)
printf '%-8s %8s %8s %6s\n' script ours lua5.1 ratio
for n in "${names[@]}"; do
  s="${S[$n]}"
  o=$( for r in 1 2; do POLLUTE=$POLLUTE $J -XX:+UseParallelGC -cp "$jar" "$(dirname "$0")/LuaCallCpu.java" "$s" 5 | awk '{print $1}'; done | sort -n | head -1)
  l=$( for r in 1 2 3; do /usr/bin/time -f '%U %S' lua5.1 -e "$s" 2>&1 >/dev/null | awk '{ print int(($1 + $2) * 1000) }'; done | sort -n | head -1)
  printf '%-8s %8s %8s %6s\n' $n $o $l $(awk -v a=$o -v b=$l 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-"}')
done
