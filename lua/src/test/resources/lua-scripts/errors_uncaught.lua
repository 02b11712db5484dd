local function f(x)
  return x.field
end
print("before")
f(nil)
print("never")
