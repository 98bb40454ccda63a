#!/usr/bin/env bash
# Runs the WORKLOADS.md workloads (W1 chat-loop, W3 many-threads) on every saver at N=500,
# then W1 on SQLite at N=2000 (the linear-growth check), and writes the JSON lines to
# benchmarks/results/workloads-<date>.jsonl. Starts throwaway PostgreSQL/Redis servers with
# scripts/servers.sh when it exists (and stops them again); without it, or when a server cannot
# start, those savers are skipped (the runner says so on stderr).
#
#   benchmarks/run-workloads.sh [extra runner args, e.g. --quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
date=$(date -u +%Y-%m-%dT%H%M%SZ)
out="$root/benchmarks/results/workloads-$date.jsonl"
mkdir -p "$root/benchmarks/results"

started=0
cleanup() {
  if [ "$started" = 1 ]; then
    scripts/servers.sh stop || true
  fi
}
trap cleanup EXIT

if [ -x scripts/servers.sh ]; then
  if scripts/servers.sh start; then
    started=1
    set -a
    # shellcheck disable=SC1090
    . "$(scripts/servers.sh env)"
    set +a
  else
    echo "run-workloads.sh: servers did not start; postgres and redis will be skipped" >&2
  fi
fi

dotnet build benchmarks/Checkpoint.Benchmarks -c Release -nologo -v q
run() { dotnet run -c Release --no-build --project benchmarks/Checkpoint.Benchmarks -- workloads "$@"; }

run --savers sqlite,postgres,redis,memory --n 500 "$@" | tee "$out"
run --savers sqlite --n 2000 --workloads w1 "$@" | tee -a "$out"
echo "run-workloads.sh: wrote $out" >&2
