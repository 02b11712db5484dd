-- locals the compiler keeps as unboxed numbers (every value they get is a number) and the ones it must not
local buf = {}
local function w(...) for _, v in ipairs({...}) do buf[#buf + 1] = tostring(v) end end
local function flush() print(table.concat(buf, " ")) buf = {} end
local s = 0
for i = 1, 100 do s = s + i end
print("sum", s)
local x = 0
while x < 10 do x = x + 3 end
print("while", x)
local r = 10
repeat local d = r * 2 r = r - 1 until d < 10
print("repeat", r)

-- -0, NaN, infinities, %, ^ and / on unboxed locals
local z = 0
z = z * -1
print("negzero", z, -z, z == 0, 1 / z)
local m = 0
m = -m
print("unm zero", m)
local nan = 0 / 0
print("nan", nan ~= nan, nan == nan, nan < 1, nan >= 1, nan > nan)
local inf = 1 / 0
print("inf", inf, -inf, inf - inf ~= inf - inf, math.floor(inf))
local a, b = 5.5, -2
print("mod", a % b, -5 % 3, 5 % -3, 5.25 % 0.5)
local zero = 0
print("mod zero", (5 % zero) ~= (5 % zero))
print("pow", 2 ^ 0.5, (-8) ^ (1 / 3) ~= (-8) ^ (1 / 3), 2 ^ -1, 10 ^ 15, 10 ^ 16)
local big = 2 ^ 53
big = big + 1
print("big", big, string.format("%.0f", big), big == 2 ^ 53)
local third = 1 / 3
print("third", third, third * 3, third .. "", "v" .. third .. "w")
local n1 = 1e15
n1 = n1 * 10
print("exp", n1, n1 / 7, -n1)

-- the 'for' index reassigned inside the body: numbers, then something else
for i = 1, 3 do i = i * 10 w(i) end
flush()
for i = 1, 3 do local j = i i = "s" .. i w(i, j) end
flush()
for i = 1, 2, 0.25 do local k = i * 2 w(k) end
flush()

-- locals that are not always numbers
local str = "10"
local fromStr = str + 1
print("coerce", fromStr, type(fromStr), str * "2", "3" ^ 2)
local c = 1
c = nil
print("nil later", c)
local e1, e2 = 1
print("missing", e1, e2)
local function two() return 7, 8 end
local p1, p2 = two()
print("call", p1, p2, p1 + p2)
local q = 3
q, q2 = two()
print("multi", q, q2)
local chainA = 1
local chainB = chainA
local chainC = chainB
chainC = "x"
print("chain", chainA, chainB, chainC)
local mt = {__add = function(u, v) return "added" end, __lt = function() return true end}
local pp = 0
for i = 1, 2 do
  local qq = pp + 1
  print("meta", qq)
  pp = setmetatable({}, mt)
end
local cap = 1
local getCap = function() return cap end
cap = cap + 1
print("captured", getCap(), cap)
local sw1, sw2 = 1, 2
sw1, sw2 = sw2, sw1
print("swap", sw1, sw2)
local fx, fy = 0, 0
for i = 1, 10 do fx = fy + 1 fy = fx * 2 end
print("mutual", fx, fy)
local lenT = {1, 2, 3}
local ln = #lenT + 1
ln = ln + #"abcd"
print("len", ln)
print("len err", pcall(function() local nothing = nil local l = #nothing return l end))
print("arith err", pcall(function() local k = 1 local t = {} local v = k + t return v end))
print("compare err", pcall(function() local k = 1 return k < "2" end))

-- numeric keys
local t = {}
for i = -2, 2 do t[i] = i * 2 end
for i = -2, 2 do w(t[i]) end
flush()
local half = 0.5
t[half] = "half"
local nz = 0
nz = -nz
t[nz] = "zero"
local p31 = 2 ^ 31
t[p31] = "p31"
t[p31 - 1] = "p31-1"
print("keys", t[0.5], t[half], t[0], t[nz], t[2 ^ 31], t[2147483647], t[p31 + 1])
local badKey = 0 / 0
print("nan key", t[badKey], pcall(function() local k = 0 / 0 local u = {} u[k] = 1 end))
local ro = setmetatable({}, {__newindex = function(tt, k, v) rawset(tt, k, v * 100) end,
  __index = function(tt, k) return k * 1000 end})
for i = 1, 3 do ro[i] = i end
print("meta keys", ro[1], ro[2], ro[3], ro[4])
local arr = {}
for i = 1, 10 do arr[#arr + 1] = i * i end
local total = 0
for i = 1, #arr do total = total + arr[i] end
print("array", #arr, total)

-- long chains of arithmetic on one local (the analysis works children first, without recursion)
local src = {"local v = 0 v = v"}
for i = 1, 3000 do src[#src + 1] = " + 1" end
src[#src + 1] = " return v"
print("chain", loadstring(table.concat(src))())
local src2 = {"local v = 0 local w = v"}
for i = 1, 40 do src2[#src2 + 1] = " local v" .. i .. " = w + " .. i .. " w = v" .. i end
src2[#src2 + 1] = " w = 'end' return w"
print("demote", loadstring(table.concat(src2))())

-- nested functions: each has its own unboxed locals
local function outer(nn)
  local acc = 0
  local function inner(k)
    local m2 = k * 2
    return m2 + 1
  end
  for i = 1, nn do acc = acc + inner(i) end
  return acc
end
print("nested", outer(10))
-- recursion with unboxed locals in each frame
local function fact(k)
  local res = 1
  for i = 2, k do res = res * i end
  return res
end
print("fact", fact(10), fact(20), fact(25))
-- a coroutine keeps its unboxed locals across yields
local co = coroutine.wrap(function()
  local cnt = 0
  for i = 1, 3 do cnt = cnt + i coroutine.yield(cnt) end
  return -1
end)
print("coroutine", co(), co(), co(), co())

-- locals given arithmetic on values of unknown type: numbers kept unboxed, anything else in the slot
local acc = 0
local src = {1, "2", 3.5, "0x10"}
for i = 1, #src do acc = acc + src[i] end
print("spec sum", acc)
local mm = setmetatable({}, {__add = function(x, y) return "meta+" end, __sub = function() return 5 end})
local sv = 1
sv = sv + src[1]
print("spec 1", sv)
sv = mm + sv
print("spec 2", sv, type(sv))
sv = mm - 1
print("spec 3", sv, sv + 1)
sv = sv .. "x"
print("spec 4", sv)
sv = "7"
sv = sv + 1
print("spec 5", sv, type(sv))
local str = "5"
str = str + 0
print("spec coerce", str, type(str))
local neg = 0
neg = neg * -src[1]
print("spec -0", neg, 1 / neg)
local wv = nil
wv = (wv or 0) + 1
print("spec nil", wv)
print("spec err", pcall(function() local q = 1 q = q + {} end))
print("spec err2", pcall(function() local q = {} q = q + 1 end))
print("spec err3", pcall(function() local q = "a" q = q * src[1] end))
local function addAll(acc2, ...) for _, x in ipairs({...}) do acc2 = acc2 + x end return acc2 end
print("spec param", addAll(1, 2, 3), addAll("1", "2"))
local ff = 0
for k, x in pairs({a = 1, b = 2}) do ff = ff + x end
print("spec pairs", ff)
local lst = 0
for i = 1, 3 do local cur = lst + src[i] lst = cur end
print("spec local", lst)
local swapA, swapB = 1, src[2]
swapA, swapB = swapB + 0, swapA + src[1]
print("spec swap", swapA, swapB)
