# Sourced by the scripts in bin/: sets JAVA to a java of version 21 or later, or exits with one line saying why.
# Looks at $JAVA_HOME, the java on the PATH, then the usual install folders.
cinnabar_java_version() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
cinnabar_find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local d
  for d in /usr/lib/jvm/* "$HOME"/.jdks/* "$HOME"/.sdkman/candidates/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$d/bin/java" ] && candidates+=("$d/bin/java")
  done
  local c v
  for c in "${candidates[@]}"; do
    v=$(cinnabar_java_version "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      JAVA="$c"
      JAVA_HOME_21="$(cd "$(dirname "$c")/.." && pwd)"
      return 0
    fi
  done
  echo "cinnabar: no JDK 21 or later found (looked at JAVA_HOME, PATH, /usr/lib/jvm, ~/.jdks); install one, e.g. apt-get install openjdk-21-jdk-headless" >&2
  exit 1
}
cinnabar_find_java
