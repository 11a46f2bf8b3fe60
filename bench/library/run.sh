#!/usr/bin/env bash
# Throughput of the sample API with and without Handoff.AspNetCore, under wrk on loopback.
# Rounds alternate the two variants so both see the same machine noise. Two results: the ratio of the
# medians (with / without) and the median of the per-round ratios (each round's two runs are adjacent in
# time, so that one resists drift on a shared machine). Target: at least 0.97.
# Prints a Markdown table for docs/library.md.
#
# Usage: bench/library/run.sh [--rounds N] [--duration SECONDS] [--connections N] [--threads N]
set -euo pipefail

rounds=5 duration=10 connections=32 threads=1 warmup=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "unknown argument '$1'; see the usage line at the top of $0" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$root/artifacts/bench/library"
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "build: dotnet publish samples/Handoff.Sample.Api -c Release" >&2
dotnet publish "$root/samples/Handoff.Sample.Api" -c Release -o "$out/app" -nologo -v:q >&2
dll="$out/app/Handoff.Sample.Api.dll"

pid=""
cleanup() { if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi; }
trap cleanup EXIT

# run_one VARIANT ROUND -> prints requests/s
run_one() {
  local variant=$1 round=$2 use log url rps
  [ "$variant" = with ] && use=true || use=false
  log="$out/$variant-$round.log"
  Sample__UseHandoff=$use dotnet "$dll" --urls http://127.0.0.1:0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    url=$(grep -so 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the sample did not start; see $log" >&2; exit 1; }
  curl -fsS "$url/healthz/ready" >/dev/null
  wrk -t"$threads" -c"$connections" -d"${warmup}s" "$url/" >/dev/null
  rps=$(wrk -t"$threads" -c"$connections" -d"${duration}s" "$url/" | tee "$out/$variant-$round.wrk" | awk '/^Requests\/sec:/ {print $2}')
  grep -q "Non-2xx\|Socket errors" "$out/$variant-$round.wrk" && { echo "errors in $out/$variant-$round.wrk" >&2; exit 1; }
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  echo "$rps"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
with=() without=() ratios=()
for r in $(seq 1 "$rounds"); do
  # Alternate which variant goes first so neither always gets the warmer machine.
  if [ $((r % 2)) -eq 1 ]; then order="without with"; else order="with without"; fi
  for v in $order; do
    rps=$(run_one "$v" "$r")
    echo "round $r $v: $rps req/s" >&2
    if [ "$v" = with ]; then with+=("$rps"); w=$rps; else without+=("$rps"); o=$rps; fi
  done
  ratios+=("$(awk -v a="$w" -v b="$o" 'BEGIN {printf "%.3f", a / b}')")
done

mw=$(printf '%s\n' "${with[@]}" | median)
mo=$(printf '%s\n' "${without[@]}" | median)
ratio=$(awk -v a="$mw" -v b="$mo" 'BEGIN {printf "%.3f", a / b}')
paired=$(printf '%s\n' "${ratios[@]}" | median)

echo "| variant | rounds (req/s) | median req/s |"
echo "|---|---|---|"
echo "| plain ASP.NET Core (Sample:UseHandoff=false) | ${without[*]} | $mo |"
echo "| with Handoff.AspNetCore | ${with[*]} | $mw |"
echo
echo "| per-round ratio (with / without) | ${ratios[*]} | $paired |"
echo
echo "ratio of medians: $ratio; median of per-round ratios: $paired; load average before: $load; wrk -t$threads -c$connections -d${duration}s, $rounds rounds, $(nproc) cores, $(date -u +%Y-%m-%d)"
