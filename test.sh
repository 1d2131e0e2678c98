#!/usr/bin/env bash
# The test command: does all set-up (npm packages, NuGet restore, build) and runs every test project.
# Needs the .NET SDK, Node.js, redis-server on PATH and Chromium at /usr/bin/chromium (or $RECO_CHROMIUM) for the
# browser tests (.ci/run installs redis-server and Debian's chromium on a fresh machine).
set -euo pipefail
cd "$(dirname "$0")"

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

dotnet restore OrleansReco.sln
dotnet build OrleansReco.sln -c Release --no-restore

log=$(mktemp)
export RECO_TEST_REPORTS
RECO_TEST_REPORTS=$(mktemp -d)
trap 'rm -rf "$log" "$RECO_TEST_REPORTS"' EXIT
status=0
# Test projects run one after another: the 2-core machines are too small for parallel clusters.
dotnet test OrleansReco.sln -c Release --no-build -m:1 2>&1 | tee "$log" || status=$?

# Figures that tests measured (outage windows, counts), then one plain closing line summing dotnet's summaries.
for report in "$RECO_TEST_REPORTS"/*.txt; do
  [ -e "$report" ] && cat "$report"
done
awk '/(Passed|Failed)!.*Total:/ {
       for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1) }
     } END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
