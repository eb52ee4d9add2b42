#!/usr/bin/env bash
# Runs a benchmark with a main method from the test sources (benchmarks are not part of the application):
#   src/bench/bench-main.sh <main class> [args...]
# e.g. src/bench/bench-main.sh dev.masync.demo.bench.DemoBenchmark 1000000 /tmp/bench.duckdb
# Build first: mvn -B package -DskipTests (it compiles the test classes too). The test classpath is resolved once
# into target/test-classpath.txt, as src/bench/sync-bench.sh does. JAVA_OPTS is passed to java (default -Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: src/bench/bench-main.sh <main class> [args...]" >&2; exit 2; }
[ -d target/classes ] && [ -d target/test-classes ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
if [ ! -s target/test-classpath.txt ] || [ pom.xml -nt target/test-classpath.txt ]; then
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
fi
main="$1"; shift
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx1g} -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" "$main" "$@"
