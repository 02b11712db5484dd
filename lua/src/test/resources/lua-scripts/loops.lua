-- numeric for loops, with and without a variable the body reads (the unread one counts without boxing)
local n = 0
for i = 1, 10 do n = n + 1 end
print("count", n)
n = 0
for i = 10, 1, -1 do n = n + 1 end
print("down", n)
n = 0
for i = 1, 10, 3 do n = n + 1 end
print("step3", n)
n = 0
for i = 1, 0 do n = n + 1 end
print("empty", n)
n = 0
for i = 1.5, 4.2, 0.5 do n = n + 1 end
print("fractional", n)
n = 0
for i = "1", "5" do n = n + 1 end
print("strings", n)
n = 0
for i = 1, 1/0 do n = n + 1 if n == 7 then break end end
print("break at", n)
n = 0
for i = 1, 0/0 do n = n + 1 end
print("nan limit", n)
n = 0
for i = 5, 1, 0/0 do n = n + 1 if n > 3 then break end end
print("nan step", n)
local function first(lim)
  for i = 1, lim do
    if lim > 3 then return "returned", lim end
  end
  return "ran"
end
print(first(2), first(5))
n = 0
for i = 1, 3 do for j = 1, 4 do n = n + 1 end end
print("nested", n)
local s = 0
for i = 1, 100 do s = s + i end
print("sum", s)
for i = -3, 3 do io = i end
print("last", io)
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print("closures", fs[1](), fs[2](), fs[3]())
for i = 1, 3 do local i = i * 10 n = i end
print("shadow", n)
for i = 1, 2 do i = i + 100 n = i end
print("assigned", n)
for i = 1e15, 1e15 + 3 do n = i end
print("big", string.format("%.0f", n))
print(pcall(function() for i = 1, "x" do end end))
print(pcall(function() for i = {}, 2 do end end))
print(pcall(function() for i = 1, 2, nil do end end))
local t = {}
for i = 1, 300000 do t[#t + 1] = i % 7 end
local c = 0
for i = 1, #t do if t[i] == 3 then c = c + 1 end end
print("table", #t, c)
-- 5.1 starts from (start - step) + step: the first index can differ from start
for i = 0.1, 1e20, 1e20 do print("rounded", i) end
n = 0
for i = 0.1, 1e20, 1e20 do n = n + 1 end
print("rounded count", n)
for i = 3, 1, -0.7 do io = i end
print("down fractional", io)

-- generic 'for' over ipairs and pairs (run without calling the iterator): holes, extra variables, break, return,
-- errors in the body, a table changed while iterated, __index ignored (raw access), a hand-made ipairs triple
local arr = {10, 20, 30, nil, 50}
local acc = {}
for i, v in ipairs(arr) do acc[#acc + 1] = i .. "=" .. v end
print("ipairs", table.concat(acc, " "))
acc = {}
for i in ipairs(arr) do acc[#acc + 1] = i end
print("ipairs one var", table.concat(acc, " "))
acc = {}
for i, v, extra in ipairs({"a", "b"}) do acc[#acc + 1] = tostring(i) .. v .. tostring(extra) end
print("ipairs three vars", table.concat(acc, " "))
for i, v in ipairs(arr) do if v == 20 then print("ipairs break at", i) break end end
local function findIndex(t, x) for i, v in ipairs(t) do if v == x then return i end end return -1 end
print("ipairs return", findIndex(arr, 30), findIndex(arr, 50))
print("ipairs error", pcall(function() for i, v in ipairs({1, 2}) do local y = v + {} end end))
local grow = {1}
local n = 0
for i, v in ipairs(grow) do n = n + 1 if i < 5 then grow[i + 1] = v * 2 end end
print("ipairs growing", n, grow[5])
local proxied = setmetatable({1}, {__index = function(t, k) return k * 100 end})
n = 0
for i, v in ipairs(proxied) do n = n + 1 end
print("ipairs raw", n)
n = 0
for i, v in ipairs({}) do n = n + 1 end
print("ipairs empty", n)
local iter, state, start = ipairs({7, 8, 9})
acc = {}
for i, v in iter, state, 1 do acc[#acc + 1] = v end
print("ipairs from 1", table.concat(acc, " "))
print("ipairs bad", pcall(function() for i, v in ipairs(nil) do end end))
local sum, keys = 0, 0
for k, v, extra in pairs({a = 1, b = 2, c = 3, 4}) do sum = sum + v keys = keys + 1 assert(extra == nil) end
print("pairs", sum, keys)
print("pairs error", pcall(function() for k, v in pairs({x = 1}) do local y = v .. {} end end))
print("pairs bad key", pcall(function() for k, v in next, {a = 1}, "zz" do end end))
print("next bad key", pcall(next, {a = 1}, "zz"))
print("next bad key in Lua", pcall(function() return next({a = 1}, "zz") end))
local clear = {a = 1, b = 2, c = 3, d = 4}
n = 0
for k in pairs(clear) do clear[k] = nil n = n + 1 end
print("pairs clearing", n, next(clear))
