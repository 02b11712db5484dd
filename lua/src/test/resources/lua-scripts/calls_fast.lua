-- calls_fast: the edges of session 10's call-path changes (one shared pending tail call per universe, one frame
-- field for a return value and a non-number spec value, `if` without elseif run as one node, arithmetic and
-- comparisons against a number constant)
local function show(...) print(select("#", ...), ...) end

-- proper tail calls: 1e6 iterations through every shape must not grow the stack (the depth limit is 1000 here,
-- about 16000 in lua5.1)
local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
print(count(1000000, 0))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000000), odd(1000001), even(999999))
local obj = {n = 0}
function obj:loop(k) if k == 0 then return self.n end self.n = self.n + 1 return self:loop(k - 1) end
print(obj:loop(1000000))
local function vloop(n, ...) if n == 0 then return select("#", ...), ... end return vloop(n - 1, ...) end
show(vloop(1000000, "a", nil, "c"))
local function zero() end
local function tzero(n) if n == 0 then return zero() end return tzero(n - 1) end
show(tzero(1000000))
print(select("#", tzero(10)))
local function many(n) if n == 0 then return 1, 2, 3 end return many(n - 1) end
show(many(1000000))
show((many(10)))
show(many(3), many(4))
print(#{many(5)}, #{many(5), 9})

-- a tail call whose arguments run other tail calls, and tail calls through library functions
local function inner(n) if n == 0 then return "in" end return inner(n - 1) end
local function outer(n, s) if n == 0 then return s end return outer(n - 1, inner(3) .. n) end
print(outer(5, "x"), outer(1000000, "y"))
local function viapcall(n) if n == 0 then return "p" end return pcall(inner, n) end
show(viapcall(0))
show(viapcall(1000))
local function viaselect(...) return select(2, ...) end
show(viaselect(1, 2, 3))
show(viaselect())
local function tunpack(t) return unpack(t) end
show(tunpack({1, nil, 3}))
local function terr(n) if n == 0 then return error("tail boom") end return terr(n - 1) end
print(pcall(terr, 100000))
local function tnil(n) if n == 0 then local f return f(1) end return tnil(n - 1) end
print(pcall(tnil, 1000))
local callable = setmetatable({}, {__call = function(self, a, b) return "called", a, b end})
local function tcall(n) if n == 0 then return callable(1, 2) end return tcall(n - 1) end
show(tcall(100000))
local co = coroutine.wrap(function(n)
  local function step(k) if k == 0 then return coroutine.yield("y") end return step(k - 1) end
  local r = step(n)
  return "resumed " .. tostring(r)
end)
print(co(100000))
print(co("z"))

-- deep non-tail recursion: the limit's error text and position, caught and uncaught by pcall
local function deep(n) return 1 + deep(n + 1) end
print(pcall(deep, 1))
local function deepm(n) local t = {deep = deepm} return t.deep(n + 1) + 1 end
print(pcall(deepm, 1))
local ok, e = pcall(function() local function d() return (d()) end return d() end)
print(ok, e)
print(pcall(function() local x = 0 local function r() x = x + 1 r() end r() end))
-- after an overflow, calls work again at full depth
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(150))

-- varargs and select through direct calls
local function va(...) return select("#", ...), select(2, ...) end
show(va())
show(va(nil))
show(va(nil, nil))
show(va(1, 2, 3))
show(va(1, nil))
print(pcall(select, 0, 1))
show(select(-1, 1, 2, 3))
show(select(-3, 1, 2, 3))
print(pcall(select, -4, 1, 2, 3))
show(select("#"))
show(select(2.0, "a", "b"))
local function fwd(...) return ... end
show(fwd(fwd(1, 2), fwd(3, 4)))
show(fwd(), fwd())
show(fwd(nil, nil, nil))
local function mid(...) local a, b = ... return b, a end
show(mid(1), mid(1, 2, 3))

-- multiple returns through calls, adjusted
local function r3() return 1, 2, 3 end
local function pass3() return r3() end
local function paren3() return (r3()) end
local a, b, c, d = pass3()
print(a, b, c, d)
show(paren3())
show(pass3(), pass3())
local t = {pass3(), pass3()}
print(#t, t[1], t[2], t[4])
local x, y = r3(), 10
print(x, y)
print(string.format("%d %d %d", pass3()))
print(math.max(pass3()), math.min(r3(), 0))

-- arithmetic and comparisons against a number constant: coercion, metamethods, errors with names
local s = "10"
print(s + 1, s - 1, s * 2, s / 4, s % 3, s ^ 2, "0x10" + 0, " 5 " * 1)
print(pcall(function() return "abc" + 1 end))
print(pcall(function() local u return u - 1 end))
print(pcall(function() local u = {} return u * 2 end))
print(pcall(function() return {} < 1 end))
print(pcall(function() local v = "x" return v < 1 end))
print(pcall(function() local v return v <= 2 end))
print(pcall(function() local v = true return v >= 0 end))
local mt = {__add = function(p, q) return "add:" .. type(p) .. type(q) end,
            __sub = function(p, q) return 100 end,
            __lt = function() return true end,
            __eq = function() return true end}
local m = setmetatable({}, mt)
print(m + 1, m - 1)
print(m == 1, m ~= 1, 1 == m)
print(pcall(function() return m < 1 end))
print(0 / 0 == 0, 0 / 0 ~= 0, -0 == 0, 1 / 0 > 1e308, 2 ^ 53 + 1 == 2 ^ 53)
for _, v in ipairs({-1, 0, 0.5, 1, 2, 1e300}) do
  print(v < 2, v <= 2, v > 2, v >= 2, v == 2, v ~= 2, v - 1, v + 1, v * 2, v / 2, v % 2, v ^ 2)
end

-- a local given arithmetic (unboxed when a number) that gets a metamethod's result, then returned
local function specret(p)
  local acc = 0
  acc = acc + p
  if type(acc) ~= "number" then return acc end
  acc = acc * 2
  return acc
end
print(specret(3), specret(m), specret("4"))

-- if without elseif: one statement or a block in each branch, break and return from it, nested
local function classify(v)
  if v == nil then return "nil" else return type(v) end
end
print(classify(nil), classify(1), classify("s"), classify(false))
local function firstbig(list)
  local found
  for i = 1, #list do
    if list[i] > 10 then found = i break end
  end
  if found then return found, list[found] end
end
show(firstbig({1, 5, 20, 30}))
show(firstbig({1, 2}))
local n = 0
for i = 1, 20 do
  if i % 2 == 0 then n = n + i else n = n - 1 end
  if i > 15 then if i % 3 == 0 then n = n * 2 end end
end
print(n)
local w = 0
while true do
  w = w + 1
  if w >= 7 then break end
end
print(w)
if false then print("no") end
if nil then else print("else only") end
