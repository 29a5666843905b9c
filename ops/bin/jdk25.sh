# Sourced by ./mvnw and ops/bin/agentrt: points JAVA_HOME at a JDK >= 25 or fails with a clear message.
# Order: $JAVA_HOME, `java` on PATH, then the usual install folders (Debian/Temurin/SDKMAN).
agentrt_java_feature() { # prints the feature version (e.g. 25) of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}
agentrt_find_jdk25() {
  local cand v
  for cand in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")" 2>/dev/null)" \
              /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/java-25* /usr/lib/jvm/temurin-2[6-9]* /usr/lib/jvm/* \
              "$HOME"/.sdkman/candidates/java/* /opt/java/* /opt/jdk*; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(agentrt_java_feature "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$cand"; return 0; fi
  done
  return 1
}
if AGENTRT_JDK=$(agentrt_find_jdk25); then
  export JAVA_HOME="$AGENTRT_JDK"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "agentrt: no JDK 25 or newer found (looked at \$JAVA_HOME, java on PATH and /usr/lib/jvm)." >&2
  echo "agentrt: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
