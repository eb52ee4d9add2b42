#!/usr/bin/env bash
# The CRM connectors' benchmark: src/bench/vendor-bench.sh with HubSpot and Salesforce unless --vendor says otherwise
# (a later --vendor wins), e.g. src/bench/crm-bench.sh --vendor braze. Flags and build: see vendor-bench.sh.
set -euo pipefail
exec "$(dirname "$0")/vendor-bench.sh" --vendor crm "$@"
