print(1, 2.5, "x", nil, true, 1e15, 1e100, -0.0, 2^53, 1/3, 100/2)
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
print(fib(20))
local t = {}
for i = 1, 10 do t[#t+1] = i * i end
print(#t, table.concat(t, ","))
local s = 0
for k, v in pairs(t) do s = s + v end
print(s)
for i, v in ipairs({"a", "b", "c"}) do print(i, v) end
print(string.format("%5d|%-5s|%.3f|%g|%x|%q", 42, "ab", 3.14159, 1e20, 255, "a\nb"))
print(("hello world"):find("o w"), ("hello"):upper(), ("abc"):rep(3, 2))
print(string.gsub("hello world", "(%w+)", "<%1>"))
print(string.match("key=value", "(%w+)=(%w+)"))
for w in string.gmatch("one two three", "%a+") do print(w) end
print(pcall(function() local x = nil; return x.y end))
print(pcall(function() error("boom") end))
print(select("#", pcall(function() error({code=1}) end)))
print(select("#", 1, 2, 3), select(2, "a", "b", "c"))
local mt = {__index = function(t, k) return k .. "!" end, __add = function(a, b) return 99 end}
local o = setmetatable({}, mt)
print(o.foo, o + 1, 1 + o)
print(tostring(nil), tonumber("0x10"), tonumber("  12  "), tonumber("z", 36), tonumber("abc"))
local function va(...) return select("#", ...), ... end
print(va(1, nil, 3))
print(unpack({1, 2, 3}))
local a, b, c = (function() return 1, 2, 3 end)()
print(a, b, c)
print(loadstring("return 1 +")) 
print(loadstring("x = = 1"))
local co = 0
local function counter() local n = 0 return function() n = n + 1 return n end end
local c1, c2 = counter(), counter()
print(c1(), c1(), c2())
t = {5, 2, 8, 1, 9}
table.sort(t) print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end) print(table.concat(t, " "))
print(#"abc", "a" .. 1 .. 2, 10 .. "")
print(math.floor(3.7), math.max(1, 9, 3), math.huge, -math.huge)
print(string.byte("ABC", 1, -1), string.char(72, 105))
print(pcall(string.rep))
print(pcall(function() return ("x"):bad() end))
print(pcall(function() return 1 < "2" end))
print(pcall(function() return #nil end))
print(pcall(function() undefinedfn() end))
print(pcall(function() local t = {} t.a.b = 1 end))
print(rawequal(t, t), rawget(t, 1), next({}))
print(string.format("%s %d %5.1f", "x", 3, 2.25))
print(2^10, 7 % 3, -7 % 3, 7 % -3)
