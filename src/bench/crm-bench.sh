#!/usr/bin/env bash
# The CRM connectors' benchmark (dev.masync.connector.bench.CrmBenchmark, test scope): the packaged daemon pushes the
# demo warehouse to the HubSpot and Salesforce fakes (each its own process, at the vendor's real limits) and prints
# every target of issue 10 with its figure and met / not met. Build the PostgreSQL flavour first (the two-daemon
# scenario shares one control DB):
#   mvn -B package -DskipTests -Dquarkus.datasource.db-kind=postgresql
# Usage: src/bench/crm-bench.sh [--vendor all|hubspot|salesforce] [--scenarios steady,two-syncs,faults,cpu,bulk,two-daemons]
#                               [--learners N] [--work DIR] [--control-db postgresql|h2] [--pg-url URL] [--pg-user U]
#                               [--sf-rate N/PT1S] [--bulk-rate N] [--retry-after S] [--fault-rate F] [--burst N]
#                               [--cpu-mark N] [--no-pin]
# About 12 minutes for both vendors at the default 100,000 learners on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes/dev/masync/connector/bench ] \
  || { echo "build first: mvn -B package -DskipTests -Dquarkus.datasource.db-kind=postgresql" >&2; exit 1; }
exec src/bench/bench-main.sh dev.masync.connector.bench.CrmBenchmark "$@"
