-- (2^31, which lua5.1 turns into -2^31 and then moves 2^31 times, is in LuaApiTest: 20 s here)
-- table.insert positions converted as lua5.1 on x86-64 (low 32 bits of a 64-bit truncation) and far below the keys
local function dump(t)
  local ks = {}
  for k in pairs(t) do if type(k) == 'number' then ks[#ks + 1] = k end end
  table.sort(ks)
  local out = {}
  for _, k in ipairs(ks) do out[#out + 1] = string.format('%.14g=%s', k, tostring(t[k])) end
  return table.concat(out, ' ')
end
for n, pos in ipairs({2^64, -2^64, 2^63, 2^32 + 2, -2^31 - 1, 0/0, 1/0, -1/0, 2.9, -2.9, -100000, -70, 0}) do
  local t = {1, 2, 3}
  table.insert(t, pos, 'v')
  print('insert', n, dump(t))
end
local t = {1, 2, 3, [-5] = 'a', [-200] = 'b', x = 'y'}
table.insert(t, -300, 'v')
print('insert below keys', dump(t), t.x)
local e = {}
table.insert(e, -1000, 'v')
print('insert into empty', dump(e))
print('rep', #string.rep('a', 2^32 + 3), #string.rep('a', 2^64))
print('sub', string.sub('hello', 2^32 + 2, 2^32 + 4))
-- string positions are 64-bit (luaL_checkinteger), counts 32-bit (luaL_checkint)
print('sub2', string.sub('hello', 1, 2^32), string.sub('hello', -2^32, 3), string.sub('hello', 2^63, -1), string.sub('hello', -2^70))
print('byte', string.byte('hello', 2^32 + 1), string.byte('hello', -2^40, 2))
print('find', string.find('hello', 'l', 2^32 + 1), string.find('hello', 'l', -2^32), string.match('hello', '.', 2^33))
print('char', pcall(string.char, 2^32 + 65))
print('unpack', select('#', unpack({1, 2, 3}, 2^32 + 1, 2^32 + 3)))
print('concat', table.concat({'a', 'b', 'c'}, ',', 2^32 + 1, 2^32 + 2))
