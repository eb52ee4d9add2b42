#!/usr/bin/env bash
# The sync engine's benchmark (dev.masync.sync.bench.SyncBenchmark, test scope): runs the packaged daemon against a
# paced receiver and prints every performance target with its measured figure. Build first:
#   mvn -B package -DskipTests
# Usage: src/bench/sync-bench.sh [--scenario all|demo|heap|synthetic] [--work DIR] [--learners N]
#                                [--heap-sizes N,M,...] [--file-outbox-size N|0] [--cpu-mark N] [--duckdb-threads N|-]
#                                [--no-pin] [--jfr]
# Warehouses are cached in the work dir (default /tmp/ma-sync-bench). The heap scenario's default sizes are 1 M, 10 M
# and 50 M learners (50 M: about 90 s and 1.2 GB to generate, and a copy of it per run; about 3 M records pushed per
# full push at 10 M and 50 M): expect 20-40 minutes for the heap scenario on 2 cores (not timed yet at 50 M).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes/dev/masync/sync/bench ] \
  || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
if [ ! -s target/test-classpath.txt ] || [ pom.xml -nt target/test-classpath.txt ]; then
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
fi
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.masync.sync.bench.SyncBenchmark "$@"
