-- load(reader [, chunkname]): pieces, end markers, reader errors, chunk names
local function first(s) return (tostring(s):match('^[^\n]*')) end
local parts = {'return ', '1 +', ' 2', nil}
local i = 0
print(load(function() i = i + 1 return parts[i] end)())
local j = 0
print(load(function() j = j + 1 if j == 1 then return 'x = ' end return nil end))
local r, e = load(function() return {} end)
print(r, first(e))
r, e = load(function() error('reader failed') end)
print(r, first(e))
print(load(function() error({}) end) == nil)
local k = 0
print(load(function() k = k + 1 if k == 1 then return 'return 5' end return '' end, 'named')())
local m = 0
print(pcall(load(function() m = m + 1 if m == 1 then return 'error("e")' end end, '=mine')))
m = 0
print(pcall(load(function() m = m + 1 if m == 1 then return 'error("e")' end end, 'str name')))
print(pcall(load, 'return 1'))
print(pcall(load))
print(pcall(load, print, {}))
local n = 0
print(pcall(load(function() n = n + 1 if n == 1 then return 12 end end)))
print(type(load(function() return nil end)))
local pieces = {'local t = {} ', 'for i = 1, 3 do t[i] = i * i end ', 'return table.concat(t, ",")'}
local p = 0
print(load(function() p = p + 1 return pieces[p] end, '=squares')())
