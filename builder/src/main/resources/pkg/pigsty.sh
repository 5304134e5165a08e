#!/bin/sh
# /usr/bin/pigsty, installed by the pigsty package: runs @PREFIX@/pigsty.jar with
# $PIGSTY_JAVA, else @PREFIX@/jre/bin/java (the release's jlinked runtime, if copied there),
# else a system java 17 or newer. The package does not depend on a Java package so that a
# bundle's local repository needs no JRE; without one this says what to install and exits 10
# (as ./configure does; 3 is a bad bundle definition), and exits 10 too without pigsty.jar.
set -eu
PREFIX=@PREFIX@

java_major() { # prints the major version of the java given as $1, or nothing
  "$1" -version 2>&1 | awk -F'"' '/version/ { v = $2; sub(/^1\./, "", v); sub(/[^0-9].*$/, "", v); print v; exit }'
}

JAVA=${PIGSTY_JAVA:-}
if [ -z "$JAVA" ]; then
  if [ -x "$PREFIX/jre/bin/java" ]; then
    JAVA="$PREFIX/jre/bin/java"
  elif command -v java >/dev/null 2>&1; then
    v=$(java_major java)
    if [ -n "$v" ] && [ "$v" -ge 17 ]; then
      JAVA=$(command -v java)
    else
      echo "pigsty: found java ${v:-of unknown version}, need 17 or newer" >&2
    fi
  fi
fi
if [ -z "$JAVA" ]; then
  echo "pigsty: no Java 17+ runtime: install one, e.g. 'apt-get install openjdk-17-jre-headless'" >&2
  echo "        (Debian 12) or 'dnf install java-17-openjdk-headless' (EL9), or set PIGSTY_JAVA" >&2
  exit 10
fi
[ -f "$PREFIX/pigsty.jar" ] || { echo "pigsty: $PREFIX/pigsty.jar not found: reinstall the pigsty package" >&2; exit 10; }
exec "$JAVA" -Dpigsty.home="$PREFIX" -jar "$PREFIX/pigsty.jar" "$@"
