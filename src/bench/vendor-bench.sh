#!/usr/bin/env bash
# The vendor connectors' benchmark (dev.masync.connector.bench.CrmBenchmark, test scope): the packaged daemon pushes
# the demo warehouse to the vendor fakes (each its own process, at the vendor's limits) and prints every target of
# issues 10 (HubSpot, Salesforce) and 11 (Braze, Marketo) with its figure and met / not met. Build the PostgreSQL
# flavour first (the two-daemon scenario shares one control DB):
#   mvn -B package -DskipTests -Dquarkus.datasource.db-kind=postgresql
# Usage: src/bench/vendor-bench.sh [--vendor all|crm|ma|hubspot|salesforce|braze|marketo (comma list)]
#                                  [--scenarios steady,two-syncs,faults,cpu,bulk,two-daemons]
#                                  [--learners N] [--work DIR] [--control-db postgresql|h2] [--pg-url URL] [--pg-user U]
#                                  [--sf-rate N/PT1S] [--bulk-rate N] [--retry-after S] [--fault-rate F] [--burst N]
#                                  [--braze-rate N/PT3S] [--braze-latency PT0S] [--marketo-latency PT0.3S]
#                                  [--cpu-mark N] [--engine-batch N|connector] [--no-pin]
# About 6 (HubSpot, Braze) to 10 minutes (Marketo) per vendor at the default 100,000 learners on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/quarkus-app/quarkus-run.jar ] && [ -d target/test-classes/dev/masync/connector/bench ] \
  || { echo "build first: mvn -B package -DskipTests -Dquarkus.datasource.db-kind=postgresql" >&2; exit 1; }
exec src/bench/bench-main.sh dev.masync.connector.bench.CrmBenchmark "$@"
