#!/usr/bin/env bash
# Starts the packaged daemon on an existing data dir, waits until /q/health/ready is UP, prints the seconds it took
# and stops the daemon. Usage: src/bench/start-to-ready.sh [data-dir] [port]
# Prepare the data dir once by starting the daemon on it (it generates the demo warehouse), then time this script.
set -euo pipefail
DATA_DIR=${1:-./data}
PORT=${2:-18080}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
start=$(date +%s%N)
MASYNC_DATA_DIR="$DATA_DIR" QUARKUS_HTTP_PORT="$PORT" java -jar "$JAR" >/tmp/masync-start-to-ready.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  if curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; then
    end=$(date +%s%N)
    echo "start-to-ready: $(( (end - start) / 1000000 )) ms"
    exit 0
  fi
  kill -0 $pid 2>/dev/null || { echo "daemon exited; see /tmp/masync-start-to-ready.log" >&2; exit 1; }
  sleep 0.05
done
echo "not ready after 30 s" >&2
exit 1
