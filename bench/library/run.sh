#!/usr/bin/env bash
# Throughput of the sample API with and without Handoff.AspNetCore, under wrk on loopback.
#
# Each round starts both variants (Sample:UseHandoff=true and =false) as separate processes and drives them
# with two wrk instances *at the same time*, so both see the same machine: on a shared 2-core box requests/s
# swing by 2x between back-to-back runs, while the ratio of two simultaneous runs stays put. Reported:
#  - throughput ratio with / without, per round and its median (target: at least 0.97);
#  - server CPU time (utime + stime from /proc) per answered request, and the ratio without / with.
# Prints a Markdown table for docs/library.md; raw wrk output and app logs go to artifacts/bench/library/.
#
# Usage: bench/library/run.sh [--rounds N] [--duration SECONDS] [--connections N] [--threads N]
set -euo pipefail

rounds=7 duration=10 connections=16 threads=1 warmup=3
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

pids=()
cleanup() {
  for p in "${pids[@]}"; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p"; wait "$p" || true; fi
  done
  pids=()
}
trap cleanup EXIT

# start VARIANT ROUND -> sets url_<variant> and pid_<variant>
start() {
  local variant=$1 round=$2 use log url=""
  [ "$variant" = with ] && use=true || use=false
  log="$out/$variant-$round.log"
  : >"$log"
  Sample__UseHandoff=$use dotnet "$dll" --urls http://127.0.0.1:0 >"$log" 2>&1 &
  pids+=($!)
  eval "pid_$variant=$!"
  for _ in $(seq 1 150); do
    url=$(grep -so 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the sample did not start; see $log" >&2; exit 1; }
  curl -fsS "$url/healthz/ready" >/dev/null
  eval "url_$variant=$url"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
field() { awk -v k="$1" '$0 ~ k {print $2; exit}' "$2"; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
hz=$(getconf CLK_TCK)
rps_with=() rps_without=() ratios=() cpu_with=() cpu_without=() cpu_ratios=()
for r in $(seq 1 "$rounds"); do
  start with "$r"; start without "$r"
  wrk -t"$threads" -c"$connections" -d"${warmup}s" "$url_with/" >/dev/null & load_pid=$!
  wrk -t"$threads" -c"$connections" -d"${warmup}s" "$url_without/" >/dev/null
  wait "$load_pid"
  cw0=$(cpu_ticks "$pid_with"); co0=$(cpu_ticks "$pid_without")
  wrk -t"$threads" -c"$connections" -d"${duration}s" "$url_with/" >"$out/with-$r.wrk" & load_pid=$!
  wrk -t"$threads" -c"$connections" -d"${duration}s" "$url_without/" >"$out/without-$r.wrk"
  wait "$load_pid"
  cw1=$(cpu_ticks "$pid_with"); co1=$(cpu_ticks "$pid_without")
  cleanup
  for v in with without; do
    if grep -q "Non-2xx\|Socket errors" "$out/$v-$r.wrk"; then echo "errors in $out/$v-$r.wrk" >&2; exit 1; fi
  done
  w=$(field '^Requests/sec:' "$out/with-$r.wrk"); o=$(field '^Requests/sec:' "$out/without-$r.wrk")
  nw=$(awk '/requests in/ {print $1}' "$out/with-$r.wrk"); no=$(awk '/requests in/ {print $1}' "$out/without-$r.wrk")
  uw=$(awk -v t=$((cw1 - cw0)) -v n="$nw" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz / n * 1e6}')
  uo=$(awk -v t=$((co1 - co0)) -v n="$no" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz / n * 1e6}')
  rps_with+=("$w"); rps_without+=("$o"); cpu_with+=("$uw"); cpu_without+=("$uo")
  ratios+=("$(awk -v a="$w" -v b="$o" 'BEGIN {printf "%.3f", a / b}')")
  cpu_ratios+=("$(awk -v a="$uo" -v b="$uw" 'BEGIN {printf "%.3f", a / b}')")
  echo "round $r: with $w req/s ($uw us CPU/req), without $o req/s ($uo us CPU/req), ratio ${ratios[-1]}" >&2
done

echo "| measure | per round | median |"
echo "|---|---|---|"
echo "| req/s, plain ASP.NET Core (Sample:UseHandoff=false) | ${rps_without[*]} | $(printf '%s\n' "${rps_without[@]}" | median) |"
echo "| req/s, with Handoff.AspNetCore | ${rps_with[*]} | $(printf '%s\n' "${rps_with[@]}" | median) |"
echo "| **throughput ratio (with / without)** | ${ratios[*]} | **$(printf '%s\n' "${ratios[@]}" | median)** |"
echo "| server CPU us/request, plain | ${cpu_without[*]} | $(printf '%s\n' "${cpu_without[@]}" | median) |"
echo "| server CPU us/request, with Handoff | ${cpu_with[*]} | $(printf '%s\n' "${cpu_with[@]}" | median) |"
echo "| CPU-cost ratio (plain / with) | ${cpu_ratios[*]} | $(printf '%s\n' "${cpu_ratios[@]}" | median) |"
echo
echo "Both variants run at the same time, each driven by its own wrk -t$threads -c$connections -d${duration}s;" \
  "$rounds rounds; $(nproc) cores; load average before the run: $load; $(date -u +%Y-%m-%d)."
