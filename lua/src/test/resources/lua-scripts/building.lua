-- strings built with '..' in loops: the engine appends in place to the last string of a buffer; every earlier
-- string must keep its value, whatever is appended later and from which string
local a = ""
for i = 1, 10 do a = a .. i end
local b = a .. "X"
local c = a .. "Y"
print("branch", a, b, c)
local d = b .. b
print("self", d, b, #d)
local e = b .. "Z" .. c .. 1.5
print("after self", e, b, d)
local parts = {}
local s = ""
for i = 1, 60 do s = s .. string.char(65 + i % 26) parts[i] = s end
print("prefixes", parts[1], parts[10], parts[30], #parts[60], parts[60]:sub(1, 5), parts[45]:sub(-3))
local set = {}
for i = 1, 60 do set[parts[i]] = i end
local found = 0
for i = 1, 60 do if set[parts[i]] == i and set[parts[i] .. ""] == i then found = found + 1 end end
print("as keys", found, set["BCDEFGHIJK"], set[parts[10]])
local k = "key"
local k2 = k .. "1"
local k3 = k2 .. "2"
local k4 = k2 .. "3"
local k5 = k3 .. "4"
print("forks", k, k2, k3, k4, k5, k3 == "key12", k4 == "key13", k2 < k3, k4 > k3)
local sub = parts[40]:sub(1, 20)
local grown = sub .. "!"
print("substring", sub, grown, parts[40]:sub(19, 22), parts[41]:sub(19, 22))
local big = ""
for i = 1, 2000 do big = big .. string.format("%04d,", i) end
print("big", #big, big:sub(1, 15), big:sub(-10), string.find(big, "1000,"), select(2, string.gsub(big, ",", ",")))
local lines = {}
local line = ""
for i = 1, 30 do
  line = line .. i
  if i % 10 == 0 then lines[#lines + 1] = line line = "" end
end
print("reset", table.concat(lines, "|"), line == "")
local n = 5
local mixed = "v"
for i = 1, 5 do mixed = mixed .. n .. "-" .. i * 0.5 end
print("numbers", mixed)
local upper = string.upper(parts[26] .. "x")
print("library", upper, string.rep(parts[3], 3), string.reverse(parts[5]), string.len(parts[60] .. parts[60]))
local mt = setmetatable({}, {__concat = function(x, y) return "meta" end})
local acc = "start"
acc = acc .. "1"
print("metamethod", acc .. mt, mt .. acc, acc)
print("error", pcall(function() local q = "x" q = q .. "y" q = q .. {} end))
