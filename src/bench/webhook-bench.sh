#!/usr/bin/env bash
# The inbound-webhook benchmark (dev.masync.webhook.bench.WebhookBenchmark, test scope): the packaged daemon on
# embedded defaults receives signed HubSpot deliveries (50/s for 60 s, then a 10,000-event burst with duplicates,
# bad signatures and one SIGKILL) and syncs each learner to the HubSpot fake; prints every target of issue 12 with
# its figure and met / not met. Build first: mvn -B package -DskipTests
# Usage: src/bench/webhook-bench.sh [--scenarios latency,burst] [--learners N] [--rate N] [--seconds S]
#                                   [--burst-events N] [--burst-seconds S] [--dup F] [--bad F] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes/dev/masync/webhook/bench ] \
  || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
exec src/bench/bench-main.sh dev.masync.webhook.bench.WebhookBenchmark "$@"
