local cases = {
  "x = = 1", "for i=1 do end", "x = \"abc", "function f()\n x=1\n", "x = 3 + 1e", "local function end",
  "a = 1 b", "return return", "break", "x = [==[ abc", "if x then", "if x then else", "while true do",
  "repeat x = 1", "f(", "f(1,", "t = {1, 2", "t = {[1] = }", "x = 1 +", "local 1 = 2", "x.y.z", "x:y", "x:y.z()",
  "(f)", "f() = 1", "1 = 2", "x, y() = 1, 2", "local x <const> = 1", "x = 1;;", "goto label", "::label::",
  "return 1,", "for a, b in pairs(t)", "for a.b = 1, 2 do end", "function a.b:c.d() end", "function (x) end",
  "x = function(a, b, ...) end", "x = function(..., a) end", "x = function(1) end", "f{}.x = 1", "f\"str\"",
  "x = 'unfinished\nline'", "x = \"\\300\"", "x = \"\\q\"", "--[[ unfinished comment", "x = [[ unfinished",
  "x = [= [", "x = 0x", "x = 1..2", "x = 1.2.3", "x = .5", "x = 3e", "x = #", "x = not", "x = ~1", "x = a ~ b",
  "x = a != b", "x = @", "x = $", "x = `", "return ... ", "function f() return ... end", "local function f(...) return ... end",
  "x = {f(), g(), h = 1}", "x = a.b.c[d](e):f'g'{h}", "do end end", "else", "elseif x then", "until x", "end",
  "local a, b, = 1", "local a.b = 1", "x = (1)(2)", "x = (f\n)(2)", "f\n(2)", "a = b\n(f)()", "return (...)",
  "x = function() break end", "while 1 do local function f() break end end", "for i = 1, 2 do break end",
  "x = 1 y = 2", "if a then elseif b then else end", "x = -(-(-1))", "x = 2^-3^2", "local function f() end f()",
  string.rep("(", 300) .. "1" .. string.rep(")", 300), "x = " .. string.rep("-", 300) .. "1",
  "x = '" .. string.rep("a", 70) .. "' y", "\n\n\nx = = 3", "#!/shebang\nx = = 1", "x = 1 -- comment\n y = = 2",
  "return 1 2", "local t = {} t.1 = 2", "x = {,}", "x = {;}", "x = {1,,2}", "x = {1;2,}", "x = a..b..c..", "x = 1 x",
}
for i, src in ipairs(cases) do
  local f, err = loadstring(src)
  print(i, f and "ok" or err)
end
