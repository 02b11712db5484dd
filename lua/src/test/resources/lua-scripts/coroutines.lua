-- coroutine library: values through resume/yield, status, wrap, errors and the C-call boundary
print(pcall(coroutine.yield, 1))
print(select('#', coroutine.running()), coroutine.running())
print(pcall(coroutine.create, print))
print(pcall(coroutine.create, 1))
print(pcall(coroutine.create))
print(pcall(coroutine.resume, 1))
print(pcall(coroutine.resume))
print(pcall(coroutine.status, nil))
print(pcall(coroutine.wrap, nil))
print(pcall(coroutine.wrap, string.len))
print(pcall(function() coroutine.create(42) end))
print(pcall(function() coroutine.resume({}) end))
print(pcall(function() coroutine.yield() end))
local co = coroutine.create(function(a, b)
  print('status inside', coroutine.status(coroutine.running()))
  print('running is co', coroutine.running() ~= nil)
  local c, d = coroutine.yield(a + b, a - b)
  print('got', c, d)
  local e = coroutine.yield()
  print('got', e)
  error('boom')
end)
print(type(co), coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 'x', nil))
print(coroutine.resume(co))
print(coroutine.status(co), coroutine.resume(co))
print(coroutine.status(co), coroutine.resume(co, 1, 2, 3))
-- return values and the dead state after a normal end
local r = coroutine.create(function(...) return select('#', ...), ... end)
print(coroutine.resume(r, nil, 2, nil))
print(coroutine.status(r), coroutine.resume(r))
-- wrap: values, errors with the caller's position, non-string errors unchanged
local w = coroutine.wrap(function() coroutine.yield(1) error('wrapped') end)
print(w())
print(pcall(w))
print(pcall(w))
print(pcall(function() return w() end))
local w1 = coroutine.wrap(function() coroutine.yield() error('again') end)
w1()
print(pcall(function() local x = w1() return x end))
local w2 = coroutine.wrap(function() error({code = 7}) end)
local ok, e = pcall(w2)
print(ok, type(e), e.code)
local w3 = coroutine.wrap(function() error(12) end)
print(pcall(w3))
local w4 = coroutine.wrap(function() error('nolevel', 0) end)
print(pcall(function() w4() end))
local w5 = coroutine.wrap(function() error() end)
print(pcall(function() w5() end))
-- resuming a running or normal coroutine
print(pcall(coroutine.wrap(function() local me = coroutine.running(); return coroutine.resume(me) end)))
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function()
    print('outer is', coroutine.status(outer))
    print('resume outer', coroutine.resume(outer))
    coroutine.yield('from inner')
    return 'inner done'
  end)
  print(coroutine.resume(inner))
  print('inner is', coroutine.status(inner))
  coroutine.yield('from outer')
  print(coroutine.resume(inner))
  return 'outer done'
end)
print(coroutine.resume(outer))
print(coroutine.status(outer))
print(coroutine.resume(outer))
print(coroutine.status(outer))
-- the C-call boundary: pcall, metamethods, sort comparators, gsub callbacks, for iterators
print(pcall(coroutine.wrap(function() return pcall(coroutine.yield, 1) end)))
print(coroutine.resume(coroutine.create(function() return pcall(coroutine.yield, 1) end)))
print(coroutine.resume(coroutine.create(function()
  local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end})
  return t.x
end)))
print(coroutine.resume(coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)))
print(coroutine.resume(coroutine.create(function()
  return string.gsub('abc', '%w', function(c) coroutine.yield(c) end)
end)))
print(coroutine.resume(coroutine.create(function()
  for k in function() coroutine.yield('it') end do end
end)))
-- __call is not a boundary; yields from nested Lua calls are fine
local callable = setmetatable({}, {__call = function(self, x) return coroutine.yield(x) end})
local cc = coroutine.create(function(x) local function deep(n) if n == 0 then return callable(x) end return deep(n - 1) end return deep(50) end)
print(coroutine.resume(cc, 'deep'))
print(coroutine.resume(cc, 'back'))
-- generators
local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
local sum = 0
for v in gen(100) do sum = sum + v end
print('sum', sum)
-- producer / consumer
local prod = coroutine.create(function() for _, w in ipairs({'a', 'b', 'c'}) do coroutine.yield(w) end return 'end' end)
local words = {}
while true do
  local ok, v = coroutine.resume(prod)
  if coroutine.status(prod) == 'dead' then words[#words + 1] = v break end
  words[#words + 1] = v
end
print(table.concat(words, ','))
-- errors after a yield keep their position; error levels
local el = coroutine.create(function() coroutine.yield() local t = nil; return t.x end)
coroutine.resume(el)
print(coroutine.resume(el))
local lv = coroutine.create(function() local function f() error('lvl2', 2) end coroutine.yield() f() end)
coroutine.resume(lv)
print(coroutine.resume(lv))
print(coroutine.resume(coroutine.create(function() return string.rep() end)))
print(coroutine.resume(coroutine.create(function() local function r() return 1 + r() end return r() end)))
-- many coroutines
local n = 0
for i = 1, 200 do
  local c = coroutine.wrap(function(a) local b = coroutine.yield(a * 2) return a + b end)
  n = n + c(i) + c(1)
end
print('many', n)
print(coroutine.status(coroutine.create(function() end)))
print(select('#', coroutine.resume(coroutine.create(function() end))))
print(pcall(coroutine.wrap, print))
print(pcall(function() error(12) end))
print(pcall(function() error(12, 0) end))
print(type(select(2, pcall(error, 12))), type(select(2, pcall(error, 12, 0))))
