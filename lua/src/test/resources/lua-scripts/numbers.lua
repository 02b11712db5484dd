local vals = {0, 1, -1, 0.1, 0.5, 1/3, 2/3, 1e14, 1e15, 1e16, 123456789012345, 1234567890123456, 2^53, 2^63, 2^64,
  1e-5, 1e-4, 0.0001234, 1e300, 1e-300, 5e-324, 3.14159265358979, 100, 1e21, 12345.6789, -2.5, 255, 65536.5,
  0.1 + 0.2, 1e100, 9007199254740993, 4.35, 1.005, 2.675}
for _, v in ipairs(vals) do
  print(v, tostring(v), v .. "", string.format("%g|%.3g|%e|%.2e|%f|%.0f|%.10f|%G|%E", v, v, v, v, v, v, v, v, v))
  print(string.format("%d|%5d|%-5d|%05d|%+d|% d|%x|%X|%o|%#x|%#o|%.3d", v, v, v, v, v, v, v, v, v, v, v, v))
end
print(string.format("%5.1f|%-8.3f|%08.3f|%+.2f|% .2f|%#.0f|%#g|%#.3g", 3.14159, 2.5, -2.5, 1, 1, 3, 1, 2))
print(string.format("%.14g|%.17g|%.20g|%.1g|%.0g|%g|%g", 0.1, 0.1, 0.1, 0.15, 25, 1e-5, 123456789))
print(string.format("%c%c%c|%5c|%-5c|", 76, 117, 97, 65, 66))
print(string.format("%s|%10s|%-10s|%.2s|%10.3s|", "abc", "abc", "abc", "abc", "abcdef"))
print(string.format("%q", "tab\there\0zero\r\n\"q\" \\ \1\127\255"))
print(string.format("%%|%%|"))
print(tonumber("1e1"), tonumber(" 0x1A "), tonumber("1e"), tonumber(""), tonumber(" "), tonumber("1 2"), tonumber("0x"),
  tonumber(".5"), tonumber("5."), tonumber("-.5e-3"), tonumber("+12"), tonumber("1e500"), tonumber("- 1"))
print(tonumber("10", 2), tonumber("777", 8), tonumber("zz", 36), tonumber("12", 3), tonumber("1.5", 16), tonumber(" 11 ", 2))
print("10" + 5, "3" * "4", "2" ^ 10, 10 .. 20, "0x10" + 0, " 5 " * 2, -"3")
print(1 == 1.0, "1" == 1, 0.1 + 0.2 == 0.3, 1 < 2, "a" < "b", "Z" < "a", "abc" < "abd", "" < "a", "a\0b" < "a\0c")
print(math.floor(-0.5), math.ceil(-0.5), math.abs(-3), math.sqrt(16), math.fmod(7, 3), math.fmod(-7, 3), math.modf(3.7))
print(math.max(3, 1, 2), math.min(3, 1, 2), math.pow(2, 0.5), math.exp(0), math.log(1), math.log10(1000))
print(math.frexp(0), math.frexp(1), math.frexp(-3), math.ldexp(0.5, 4), math.deg(math.pi), math.rad(180))
print(7 % 0, -7 % 0, 0 % 5, 5.5 % 2, -5.5 % 2, 5.5 % -2, 2^-1, (-2)^2, -2^2)
-- frexp of the largest and smallest magnitudes (x / 2^1024 was x / inf, and the loop never ended)
print(math.frexp(1e308))
print(math.frexp(-1e308))
print(math.frexp(2 ^ 1023))
print(math.frexp(-(2 ^ 1023) * 1.5))
print(math.frexp(1.7976931348623157e308))
print(math.frexp(5e-324))
print(math.frexp(-2.2250738585072014e-308))
print(math.frexp(0.75), math.frexp(-3), math.frexp(1))
