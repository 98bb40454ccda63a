#!/usr/bin/env bash
# The test command: builds everything, starts throwaway servers the tests need, runs every
# test project, and prints "N passed, N failed" summed over all of them.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/.tmp/test-results"
rm -rf "$results"; mkdir -p "$results"

dotnet tool restore >/dev/null 2>&1 || true
if ! dotnet build Checkpoint.sln -c Release -nologo -v q; then
  echo "0 passed, 1 failed"
  exit 1
fi

# Every package (libraries and the ckpt tool) packs from that build, each with its license, readme and repository.
pack_failed=0
if ! scripts/pack.sh "$root/.tmp/packages" --no-build >"$results/pack.log" 2>&1; then
  tail -n 20 "$results/pack.log" >&2
  echo "scripts/pack.sh failed (log: $results/pack.log): counted as 1 failed" >&2
  pack_failed=1
fi

# Throwaway PostgreSQL and Redis for the storage tests (scripts/servers.sh); stopped on exit.
export CHECKPOINT_SERVERS_ENV="$root/.tmp/test-servers.env"
trap 'scripts/servers.sh stop' EXIT
trap 'exit 130' INT TERM
if scripts/servers.sh start; then
  set -a
  # shellcheck disable=SC1090
  . "$CHECKPOINT_SERVERS_ENV"
  set +a
elif [ -n "${CI:-}" ]; then
  echo "servers.sh could not start PostgreSQL/Redis (CI is set: failing)" >&2
  echo "0 passed, 1 failed"
  exit 1
else
  echo "warning: servers.sh could not start PostgreSQL/Redis; their tests will fail" >&2
fi

# The inspector's browser test drives Debian's chromium (Playwright cannot download its own browser here).
command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
  || echo "warning: could not install chromium; the inspector's browser test will fail" >&2

status=0
passed=0; failed=0
for project in tests/*/; do
  name=$(basename "$project")
  [ "$name" = "Checkpoint.Conformance" ] && continue
  grep -qs "<IsTestProject>true</IsTestProject>" "$project/$name.csproj" || continue
  echo "== $name"
  trx="$results/$name.trx"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$trx" --logger "console;verbosity=minimal"
  code=$?
  counters=$(grep -so '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$code" -ne 0 ]; then
    status=1
    # A crashed or aborted test host leaves no failed test behind: count the project itself as failed.
    if [ "${f:-0}" -eq 0 ]; then
      echo "$name: the test run exited with $code without a failed test (crash or abort): counted as 1 failed" >&2
      failed=$((failed + 1))
    fi
  fi
done
if [ "$pack_failed" -ne 0 ]; then failed=$((failed + 1)); status=1; fi
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
