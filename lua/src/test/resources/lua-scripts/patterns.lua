local buf = {}
local function write(...) for i = 1, select("#", ...) do buf[#buf + 1] = tostring((select(i, ...))) end end
local function flush() print(table.concat(buf)) buf = {} end
local function show(...) print(select("#", ...), ...) end
local s = "hello world from Lua 5.1, x=10 y=20 [tag] (paren) key = value\tTAB\n2nd line"
local pats = {"o", "o w", "l+", "l*", "l-", "l?", "%a+", "%d+", "%s", "%S+", "%w+", "%p", "%u%l+", "[aeiou]",
  "[^aeiou ]+", "[%a_][%w_]*", "(%w+)=(%w+)", "%b[]", "%b()", "%f[%a]%a+", "^hello", "^world", "line$", "1$",
  "()o()", "(h)(e)(l)(l)(o)", "x=(%d+)", "%[(.-)%]", ".-", ".*", "(a*(.)%w(%s*))", "[%d.]+", "[a-c]+", "[%]]",
  "%.", "%%", "[]]", "[^%s]+$", "(o).-%1", "%x+", "%c", "%z", "[%z]", "%D+", "%A+", "%W", "%L+", "%U+",
  "t.b", "[a-]", "[-a]", "%f[%w]%w+%f[%W]", ""}
for _, p in ipairs(pats) do
  show(p, s:find(p))
  show(p, s:match(p))
  show(p, s:find(p, 10))
  show(p, s:find(p, -5))
  show(p, s:match(p, 20))
  show(p, (s:gsub(p, "<%0>")))
  show(p, select(2, s:gsub(p, "#")))
end
show(("abc"):find("b", 1, true), ("a.c"):find(".", 1, true), ("a+b"):find("+", 1, true), ("abc"):find("", 10))
show(("abc"):find("", 4), ("abc"):find("", 3), ("abc"):find("c", -1), ("abc"):find("a", -10))
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do print(k, v) end
for w in string.gmatch("one two  three", "%a*") do write("[", w, "]") end flush()
for p in string.gmatch("abc", "()") do write(p, " ") end flush()
for a in string.gmatch("^a^a", "^a") do write(a, "|") end flush()
show(string.gsub("hello world", "o", "0", 1))
show(string.gsub("hello world", "", "-"))
show(string.gsub("hello", "l", {l = "L"}))
show(pcall(string.gsub, "hello", ".", {h = 1, e = true, l = false}))
show(string.gsub("hello", ".", {h = 1, l = false}))
show(string.gsub("hello world", "%w+", function(w) return w:upper() end))
show(string.gsub("hello world", "%w+", function(w) return nil end))
show(string.gsub("abc", "(b)", "%1%1%%"))
show(string.gsub("abc", "b", "%x"))
show(string.gsub("abc", "^a", "A"))
show(string.gsub("aaa", "^a", "A"))
show(string.gsub("abc", "(a)(b)(c)", "%3%2%1"))
show(string.gsub("abc", "()", "%1"))
show(string.gsub("hello", "l+", function(x) return #x end))
show(string.gsub("x y z", "%s", "", 5))
show(string.gsub("abc", "b", "[%0]", 0))
show(string.gsub("a\0b\0c", "%z", "0"))
show(string.gsub("a\0b", "\0", "NUL"))
show(string.find("a\0b", "b"), string.find("a\0b", "%z"), ("x\0y"):len())
show(string.match("  trim me  ", "^%s*(.-)%s*$"))
show(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
show(string.match("THE (quick) fox", "%((%a+)%)"))
show(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
show(string.match("f(a(b)c)d", "%b()"))
show(string.match("hello", "(h)(.-)(o)"))
show(string.match("hello", "()ll()"))
show(string.rep("ab", 3, ","), string.rep("x", 0), string.rep("x", -1), string.rep("", 5))
show(string.sub("hello", 2), string.sub("hello", 2, 3), string.sub("hello", -3), string.sub("hello", -3, -2),
  string.sub("hello", 0), string.sub("hello", 10), string.sub("hello", 3, 2), string.sub("hello", -100, 100))
show(string.byte("hello"), string.byte("hello", 2), string.byte("hello", -1), string.byte("hello", 1, 3), string.byte("", 1))
show(string.len("\0\0\0"), #"abc", string.upper("MiXeD 123"), string.lower("MiXeD 123"), string.reverse("abc"))
show(("%d items"):format(5), ("x"):rep(3), ("test"):len(), ("a,b,c"):find(",", 3))
