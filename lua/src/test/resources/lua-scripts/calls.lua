-- calls: the direct paths (fixed, vararg and method callees without an argument array), select(k, ...) read from
-- the varargs, tail calls with slot arrays, errors and levels across them
local function show(...) print(select("#", ...), ...) end

-- fixed parameters: fewer, more, multi-valued last argument, nil holes
local function two(a, b) return a, b end
local function three() return 1, 2, 3 end
show(two())
show(two(1))
show(two(1, 2, 3, 4))
show(two(three()))
show(two(0, three()))
show(two(three(), 9))
show(two(nil, nil))
show((two(5, 6)))

-- vararg callees with fixed parameters before '...'
local function va(a, ...) return a, select("#", ...), ... end
show(va())
show(va(1))
show(va(1, 2))
show(va(1, nil, nil))
show(va(1, 2, 3, 4, 5))
show(va(three()))
show(va(0, three()))
local function pass(...) return va(...) end
show(pass())
show(pass(nil))
show(pass(1, 2, nil))
local function onlyva(...) local a, b = ... return a, b, select("#", ...) end
show(onlyva(7))
show(onlyva(7, 8, 9))

-- select with the count and positive, negative, string, fractional, too large indexes
local function sel(k, ...) return select(k, ...) end
local function selc(...) return select("#", ...) end
local function self1(...) local x = select(2, ...) return x end
show(selc())
show(selc(nil))
show(selc(nil, nil, nil))
show(self1(1))
show(self1(1, 2, 3))
show(self1())
for _, k in ipairs({1, 2, 3, 4, 5, -1, -3, "2", "#", "#x", 2.5}) do
  show(k, pcall(sel, k, "a", nil, "c"))
end
show(pcall(sel, 0, 1, 2))
show(pcall(sel, -5, 1, 2))
show(pcall(sel, nil, 1))
show(pcall(sel, {}, 1))
show(pcall(sel, "x", 1))
show(pcall(function(...) return select(-1) end))
show(pcall(function(...) return select() end))
local function useone(...) local n = select("#", ...) local v = select(n > 0 and n or 1, ...) return n, v end
show(useone("p", "q"))
show(useone())
-- select redefined or aliased: the call sites see the new function
do
  local real = select
  select = function(k, ...) return "mine", k end
  local function s2(...) return select("#", ...) end
  show(s2(1, 2, 3))
  select = real
  show(s2(1, 2, 3))
  local select = function() return "local" end
  local function s3(...) return select("#", ...) end
  show(s3(1))
end
local n0 = "#"
local function s4(...) return select(n0, ...), select(2, ...) end
show(s4(4, 5, 6))

-- unpack into fixed, vararg and method callees
local t = {1, nil, 3, n = 3}
show(two(unpack(t)))
show(va(unpack(t, 1, 3)))
show(va(unpack({})))
show(pcall(unpack, {}, 1, 1e8))
show(unpack({1, 2, 3}, 2))
show(unpack({1, 2, 3}, -1, 1))

-- methods
local obj = {v = 0, name = "obj"}
function obj:add(x, y) self.v = self.v + x + (y or 0) return self end
function obj:get() return self.v end
function obj:many(...) return self.name, select("#", ...), ... end
obj:add(1):add(2, 3):add(4, 5, 6)
show(obj:get())
show(obj:many())
show(obj:many(1, nil))
show(obj.get(obj), obj.get({v = "other"}))
local mt = {__index = obj}
local child = setmetatable({v = 100}, mt)
show(child:add(1):get(), obj:get())
show(pcall(function() return obj:nothing() end))
show(pcall(function() local s = "abc" return s:rep() end))
show(pcall(function() return ("x"):bad() end))
show(("%d-%s"):format(5, "x"), ("hello"):sub(2, 3), ("hello"):upper())

-- captured parameters (cells) in direct, method and tail calls
local function mk(a, b) return function() a = a + 1 return a + b end end
local c1 = mk(1, 10)
show(c1(), c1())
function obj:counter(start) return function() start = start + self.v return start end end
local c2 = obj:counter(0)
show(c2(), c2())
local function tailmk(a, b) return mk(a, b) end
local c3 = tailmk(5, 5)
show(c3(), c3())

-- tail calls: deep ones do not grow the stack, to fixed, vararg, method, library and non-functions
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
show(loop(100000, 0))
local function vloop(n, ...) if n == 0 then return select("#", ...), ... end return vloop(n - 1, ...) end
show(vloop(50000, "a", nil, "c"))
local walker = {n = 0}
function walker:step(k) if k == 0 then return self.n end self.n = self.n + 1 return self:step(k - 1) end
show(walker:step(60000))
local function tlib(s) return string.upper(s) end
show(tlib("abc"))
local function tsel(...) return select(2, ...) end
show(tsel(1, 2, 3))
local function tmore(a) return two(a, a, a) end
show(tmore(4))
local callable = setmetatable({}, {__call = function(self, x) return "called", x end})
local function tcall(x) return callable(x) end
show(tcall(8))
show(pcall(function() local nf = 5 return nf(1) end))
show(pcall(function() local o = {} return o:missing(1) end))

-- errors and their positions across direct calls, levels 1 and 2
local function lvl1() error("one") end
local function lvl2() error("two", 2) end
local function callsLvl2() lvl2() end
show(pcall(lvl1))
show(pcall(callsLvl2))
show(pcall(function() local x = lvl1() end))
local function badArg() return string.rep() end
show(pcall(badArg))
local function badArith(a) return a + 1 end
show(pcall(badArith, {}))
show(pcall(function() return badArith(nil) end))
function obj:fail(x) return x.y.z end
show(pcall(function() return obj:fail({}) end))
show(pcall(function() local r = obj:fail({}) return r end))
local function deepErr(n) if n == 0 then error("bottom", 1) end local r = deepErr(n - 1) return r end
show(pcall(deepErr, 50))

-- recursion within the depth limit, through every call shape
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
show(fib(20))
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
show(depth(150))
local rec = {}
function rec:down(n) if n == 0 then return 0 end return 1 + self:down(n - 1) end
show(rec:down(150))
local function vdepth(n, ...) if n == 0 then return select("#", ...) end return (vdepth(n - 1, n, ...)) end
show(vdepth(100))
local function mutual1(n) if n == 0 then return "m1" end local r = mutual2(n - 1) return r end
function mutual2(n) if n == 0 then return "m2" end return (mutual1(n - 1)) end
show(mutual1(101), mutual1(100))

-- numbers through calls: boxed arguments and results keep -0, NaN, big and fractional values
local function id(x) return x end
local function neg(x) return -x end
local zero = 0
show(id(-zero) == 0, 1 / neg(zero), 1 / neg(neg(zero)), id(0 / 0) ~= id(0 / 0), id(2 ^ 53 + 1), id(0.1 + 0.2), neg(1e308 * 10))
local s = 0
for i = 1, 1000 do s = id(s) + id(i) * 0.5 end
show(s)
