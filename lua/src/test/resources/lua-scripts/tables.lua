local buf = {}
local function write(...) for i = 1, select("#", ...) do buf[#buf + 1] = tostring((select(i, ...))) end end
local function flush() print(table.concat(buf)) buf = {} end
local function show(...) print(select("#", ...), ...) end
local t = {1, 2, 3, nil, 5}
show(#t, #{1, nil}, #{nil, nil, 3}, #{n = 1}, #{})
t = {}
for i = 1, 100 do t[i] = i end
show(#t)
for i = 1, 100, 2 do t[i] = nil end
show(t[1], t[2], t[100])
t = {10, 20, 30}
table.insert(t, 40) table.insert(t, 1, 5) table.insert(t, 3, 15)
show(table.concat(t, ","), #t)
show(table.remove(t), table.remove(t, 1), table.remove(t, 2), table.concat(t, ","), #t)
show(table.remove({}), table.remove({}, 1))
show(table.concat({}), table.concat({1, 2, 3}, ", ", 2), table.concat({1, 2, 3}, "-", 2, 3), table.concat({1, 2}, "", 3))
show(table.maxn({}), table.maxn({1, 2, [10] = 3, [2.5] = 1}), table.getn({1, 2, 3}))
local words = {"banana", "apple", "Cherry", "date", "apple", "fig", "elderberry", "grape", "kiwi", "lemon", "mango"}
table.sort(words) show(table.concat(words, " "))
table.sort(words, function(a, b) return #a < #b end) show(table.concat(words, " "))
table.sort(words, function(a, b) return a > b end) show(table.concat(words, " "))
local nums = {}
for i = 1, 200 do nums[i] = (i * 7919) % 211 end
table.sort(nums) show(nums[1], nums[50], nums[100], nums[200])
local recs = {}
for i = 1, 50 do recs[i] = {k = i % 7, id = i} end
table.sort(recs, function(a, b) return a.k < b.k end)
local ids = {} for i = 1, 50 do ids[i] = recs[i].id end
show(table.concat(ids, " "))
show(pcall(table.sort, {3, "a", 1}))
local keys = {}
local h = {x = 1, y = 2, z = 3, [1] = "a", [2] = "b"}
local n = 0
for k, v in pairs(h) do n = n + 1 end
show(n, next({}), rawlen == nil)
for i, v in ipairs({1, 2, nil, 4}) do write(i, "=", v, " ") end flush()
-- clearing while iterating is allowed
local big = {}
for i = 1, 50 do big["k" .. i] = i; big[i] = i end
local cnt = 0
for k in pairs(big) do big[k] = nil; cnt = cnt + 1 end
show(cnt, next(big))
-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__sub = function(a, b) return setmetatable({x = a.x - b.x}, V) end
V.__mul = function(a, b) return type(b) == "number" and setmetatable({x = a.x * b}, V) or a.x * b.x end
V.__div = function(a, b) return "div" end
V.__mod = function(a, b) return "mod" end
V.__pow = function(a, b) return "pow" end
V.__unm = function(a) return setmetatable({x = -a.x}, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__concat = function(a, b) return "cat" end
V.__call = function(self, y) return self.x + y end
V.__tostring = function(self) return "V(" .. self.x .. ")" end
V.__len = function() return 99 end
function V.new(x) return setmetatable({x = x}, V) end
function V:get() return self.x end
local a, b = V.new(3), V.new(4)
show(tostring(a + b), tostring(a - b), tostring(a * 2), a * b, a / b, a % b, a ^ b, tostring(-a))
show(a == b, a == V.new(3), a ~= V.new(3), a < b, a <= b, a > b, a >= b, a .. b, a .. "s", "s" .. a, a(10), #a)
show(a:get(), V.get(b), getmetatable(a) == V, rawequal(a, V.new(3)))
local log = {}
local proxy = setmetatable({}, {__index = function(t, k) log[#log + 1] = "get " .. k; return k .. "!" end,
  __newindex = function(t, k, v) log[#log + 1] = "set " .. k; rawset(t, k, v) end})
show(proxy.a, proxy.b) proxy.c = 1 proxy.c = 2
show(proxy.c, table.concat(log, ","))
local chain = setmetatable({}, {__index = setmetatable({mid = "m"}, {__index = {deep = "d"}})})
show(chain.mid, chain.deep, chain.none)
local ro = setmetatable({}, {__newindex = {}})
ro.x = 1 show(rawget(ro, "x"), getmetatable(ro).__newindex.x)
show(getmetatable("abc").__index == string, ("x"):upper())
local cnt2 = setmetatable({}, {__index = function(t, k) return 0 end})
cnt2.a = cnt2.a + 1 show(cnt2.a, cnt2.b)
local t2 = {}
t2[1.0] = "one" t2[2^53] = "big" t2[-0] = "zero" t2["1"] = "str"
show(t2[1], t2[0], t2["1"], t2[2^53])
local nested = {a = {b = {c = {d = "deep"}}}}
show(nested.a.b.c.d, nested["a"]["b"].c["d"])
local cons = {[1] = "x", "y", [2] = "z"}
show(cons[1], cons[2])
local function mr() return 1, 2, 3 end
local tt = {mr(), mr()} show(#tt)
tt = {mr(), (mr())} show(#tt)
tt = {mr(), mr(), x = 1} show(#tt)
show(select('#', unpack({1, nil, 3})), unpack({1, 2, 3}, 2), unpack({1, 2, 3}, 2, 3), unpack({}, 1, 2))
