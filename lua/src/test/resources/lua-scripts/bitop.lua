-- Redis's bit library is LuaBitOp 1.0.2 (Debian's lua-bitop for the reference interpreter)
local bit = bit or require("bit")
local function show(...) print(select("#", ...), ...) end
local vals = {0, 1, -1, 2^31, 2^31 - 1, -2^31, 2^32, 2^32 + 5, 2^52, 2^53 + 3, 0.5, 1.5, 2.5, -0.5, -1.5, 1e20, -1e20,
  0xdeadbeef, 0x7fffffff, 12345678, "42", "0x10", 3.7, -3.7}
for _, v in ipairs(vals) do
  show(v, bit.tobit(v), bit.bnot(v), bit.tohex(v), bit.tohex(v, 4), bit.tohex(v, -8), bit.tohex(v, 12), bit.tohex(v, 0),
    bit.bswap(v), bit.lshift(v, 4), bit.rshift(v, 4), bit.arshift(v, 4), bit.rol(v, 7), bit.ror(v, 7),
    bit.lshift(1, v), bit.rshift(-1, v))
end
show(bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4, 8), bit.bxor(0xff, 0x0f), bit.band(-1))
show(pcall(bit.bor))
show(pcall(bit.band, 1, "x"))
show(pcall(function() return bit.bor(1, nil) end))
show(pcall(function() return bit.tobit() end))
show(pcall(function() return bit.tohex({}) end))
show(bit.band(0, "x" == "x" and 0 or 1))
