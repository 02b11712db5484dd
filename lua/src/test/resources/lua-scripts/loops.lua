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
