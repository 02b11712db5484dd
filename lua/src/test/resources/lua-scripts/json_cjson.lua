-- Redis's cjson is lua-cjson 2.1.0 (Debian's lua-cjson for the reference interpreter); decode's argument-count
-- message differs between Debian's patch and Redis's copy, so LuaApiTest checks Redis's text
local cjson = cjson or require("cjson")
local function show(...) print(select("#", ...), ...) end
local enc = {1, -1, 0.1, 1/3, 1e15, 1e100, -1e-7, 2^53, 123456789012345, "", "plain", "q\"b\\s/f\b\f\n\r\t", "\0\1\31\127\128\255",
  "utf8 é ✓", true, false, {}, {1, 2, 3}, {"a", {"b", {"c"}}}, {[1] = 1, [2] = 2, [4] = 4}, {[1] = "x", [10] = "y"},
  {a = 1}, {["k\"ey"] = "v"}, {[2.5] = 1}, {[1] = 1, [3] = 3}, {{}, {{}}}, {cjson.null, cjson.null}, {[-1] = 1},
  {[0] = "zero"}, {x = {y = {z = {1, 2, {w = false}}}}}, {1, nil, 3}, {[1.5] = "f"}}
for i, v in ipairs(enc) do show(i, pcall(cjson.encode, v)) end
show(cjson.encode(nil), cjson.encode(cjson.null))
show(pcall(cjson.encode, 0 / 0)) show(pcall(cjson.encode, 1 / 0)) show(pcall(cjson.encode, -1 / 0))
show(pcall(cjson.encode, {[1] = 1, [100] = 2})) show(pcall(cjson.encode, print)) show(pcall(cjson.encode, {[true] = 1}))
show(pcall(cjson.encode)) show(pcall(cjson.encode, 1, 2))
show(pcall(function() return cjson.encode({f = print}) end))
local deep = {} local cur = deep for i = 1, 1100 do cur[1] = {} cur = cur[1] end
show(pcall(cjson.encode, deep))
local dec = {"[1,2", "{\"a\":}", "", "  ", "x", "[1,]", "01", "\"\\ud800\"", "[1] x", "{1:2}", "\"abc", "-", "1e5",
  "\"\\u00e9\\/\"", "nul", "{\"a\" 1}", "[1 2]", "1.5e400", "-1.5e-400", "0x1F", "+5", "inf", "-Infinity", "NaN", "nan(123)",
  "\"\\q\"", "\"\\u12\"", "\"\\uD83D\\uDE00\"", "\"\\uDE00\"", "\"\\uD83Dx\"", "[[[[]]]]", "{\"a\":{\"b\":[1,{\"c\":null}]}}",
  "true", "false", "null", "tru", "[true , false ,null ]", " \t\r\n 5 \n", "1 2", "{}", "[]", "{\"\":\"\"}", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
  "1.", ".5", "1e", "1e+", "-0", "12345678901234567890", "0.1e1", "1E2", "[1,\"a\",true,null,{\"k\":[]}]", "{\"a\":1,}", "{,}",
  "\"a\0b\"", "[1]\0garbage", "\1", "{\"k\":1 \"j\":2}", "\"\127\128\"", "123abc", "-x", "--1", "1.2.3", "[-]"}
for i, s in ipairs(dec) do
  local ok, v = pcall(cjson.decode, s)
  if ok and type(v) == "table" then v = cjson.encode(v) elseif ok and v == cjson.null then v = "<null>" end
  show(i, ok, v)
end
show(pcall(cjson.decode, "\0a")) show(pcall(cjson.decode, "a\0"))
show(type(cjson.null), tostring(cjson.null), cjson.decode("null") == cjson.null, cjson.decode("[null]")[1] == cjson.null)
local nested = string.rep("[", 1200) .. string.rep("]", 1200)
show(pcall(function() return #cjson.encode(cjson.decode(string.rep("[", 900) .. string.rep("]", 900))) end))
local rt = {name = "redis", list = {1, 2.5, "three", false}, nested = {k = "v"}}
local back = cjson.decode(cjson.encode(rt))
show(back.name, back.list[1], back.list[2], back.list[3], back.list[4], back.nested.k)
show(pcall(cjson.decode, 12))
