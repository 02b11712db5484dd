local buf = {}
local function write(...) for i = 1, select("#", ...) do buf[#buf + 1] = tostring((select(i, ...))) end end
local function flush() print(table.concat(buf)) buf = {} end
local function show(...) print(select("#", ...), ...) end
local function f(...) return ... end
show(f())
show(f(nil))
show(f(1, nil, nil))
show((f(1, 2, 3)))
show(f(1, 2, 3), 4)
show(4, f(1, 2, 3))
local function g(a, b, ...) return a, b, select("#", ...), ... end
show(g(1))
show(g(1, 2, 3, 4))
local function count(...) local t = {...} return #t, select("#", ...) end
show(count(1, nil, 3))
-- closures and upvalues
local fns = {}
for i = 1, 3 do fns[i] = function() return i end end
show(fns[1](), fns[2](), fns[3]())
local acc = {}
local j = 1
while j <= 3 do local k = j; acc[j] = function() k = k + 10; return k end; j = j + 1 end
show(acc[1](), acc[1](), acc[2]())
local function mk()
  local n = 0
  return function() n = n + 1 return n end, function() return n end
end
local inc, get = mk()
inc() inc()
show(get())
local x = 1
local function outer() local function inner() x = x + 1 return x end return inner() end
show(outer(), outer(), x)
-- recursion and tail calls
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
show(fact(10), fact(20), fact(25))
local function loop(n, acc2) if n == 0 then return acc2 end return loop(n - 1, acc2 + 1) end
show(loop(100000, 0))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
show(fib(22))
-- scoping
local y = 1
do local y = 2 show(y) end
show(y)
for y = 5, 6 do end
show(y)
local z = 10
local z = z + 1
show(z)
-- numeric for edge cases
for i = 1, 0 do print("never") end
for i = 3, 1, -1 do write(i, " ") end flush()
for i = 1, 2, 0.5 do write(i, " ") end flush()
for i = 1.5, 3 do write(i, " ") end flush()
for i = "1", "3" do write(i, " ") end flush()
for i = 1, 3 do local i = i * 2 write(i, " ") end flush()
-- while / repeat / break
local i = 0
repeat local done = i >= 3; i = i + 1 until done
show(i)
while true do i = i + 1 if i > 10 then break end end
show(i)
for k = 1, 10 do if k == 4 then break end i = k end
show(i)
-- and/or
show(nil and 1, false or nil, 1 and 2, nil or "d", false and error("x"), 1 or error("x"), not nil, not 0)
show(1 and nil, (nil or false), "" and 0)
-- string methods via colon and coercion
local s = "abc"
show(s:len(), s:upper():lower(), ("%d"):format(3), #s .. "")
-- method definitions
local obj = {v = 1}
function obj.static(a) return a end
function obj:method(a) return self.v + a end
show(obj.static(5), obj:method(5), obj.method(obj, 6))
local a = {b = {}}
function a.b.c(x) return x * 2 end
function a.b:d(x) return x * 3 end
show(a.b.c(2), a.b:d(2))
-- multiple assignment evaluation order
local p, q = 1, 2
p, q = q, p
show(p, q)
local arr = {1, 2, 3}
local idx = 1
idx, arr[idx] = idx + 1, 99
show(idx, arr[1], arr[2])
local m1, m2, m3 = 1
show(m1, m2, m3)
local n1, n2 = 1, 2, 3
show(n1, n2)
-- long strings and escapes
show([[line1
line2]], [==[with ]] inside]==], "\65\066\0671", "a\
b", '\'', "\"", "\\n")
show(#[[
skipfirst]])
-- comments
--[[ block
comment ]] show("after block comment")
--[==[ another ]==] show("after level comment")
-- loadstring
local fn = loadstring("return 1 + 1")
show(fn())
show(loadstring("local a, b = ... return b, a")(1, 2))
show(loadstring("syntax error here"))
show(loadstring("x = ", "=mychunk"))
show(loadstring("x = ", "@file.lua"))
show(pcall(loadstring("error('e')", "named")))
show(pcall(loadstring("error('e')", "a\nb")))
show(pcall(loadstring("error('e')")))
show(pcall(loadstring("local x = 1\n\nerror('line3')")))
show(pcall(loadstring(string.rep("x", 100) .. " = 1 error('long')")))
show(type(print), type(nil), type({}), type("s"), type(1), type(true), type(type))
show(tostring(true), tostring(false), tostring(12.5), tostring("s"))
show(_VERSION, _G._G == _G, _G.print == print)
globalvar = 5
show(_G.globalvar, _G["globalvar"])
local c0 = os.clock()
local spin = 0
for i = 1, 100000 do spin = spin + i end
show(type(c0), os.clock() >= c0, spin)
