#!/usr/bin/env bash
# Builds the solution and runs every test project. Ends with one line: 'N passed, N failed'.
# Usage: eng/test.sh [--no-prereqs] [extra 'dotnet test' arguments]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ "${1:-}" = "--no-prereqs" ]; then shift; else bash eng/install-prereqs.sh || exit 1; fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "build: dotnet build Handoff.slnx -c Release"
if ! dotnet build Handoff.slnx -c Release -nologo -v:q; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
passed=0; failed=0; status=0

# What users install (native binary, kubectl plugin, dotnet tool, library package): the distribution tests use it,
# and the CLI tests run a second time against the native binary. A failed publish counts as a failure.
echo "publish: eng/publish.sh --no-build"
if ! bash eng/publish.sh --no-build; then
  echo "publish failed"; failed=$((failed + 1)); status=1
fi

# run_tests NAME PROJECT [dotnet test args...]: runs one test project, adds its counts to passed/failed.
run_tests() {
  local name=$1 proj=$2; shift 2
  echo "test: $name"
  dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" "$@"
  local rc=$?
  local trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    # A crashed or aborted test host can exit non-zero with no failed test counted.
    if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); echo "$name: test host exited $rc"; fi
  else
    echo "$name: no results (exit $rc)"; failed=$((failed + 1))
  fi
  [ $rc -ne 0 ] && status=1
  return 0
}

# Test projects only: tests/ also holds helpers (Handoff.Rollout.Testing, apps/) that have no tests of their own.
for proj in tests/*.Tests/*.Tests.csproj; do
  run_tests "$(basename "$proj" .csproj)" "$proj" "$@"
done
# The CLI tests again, against the Native AOT binary (CliRunner reads HANDOFF_CLI); the distribution tests ran above.
HANDOFF_CLI="$root/artifacts/bin/handoff" run_tests Handoff.Cli.Tests.Native tests/Handoff.Cli.Tests/Handoff.Cli.Tests.csproj \
  --filter 'FullyQualifiedName!~Handoff.Cli.Tests.Distribution' "$@"

echo "$passed passed, $failed failed"
[ "$failed" -gt 0 ] && status=1
exit $status
