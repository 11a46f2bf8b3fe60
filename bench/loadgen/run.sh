#!/usr/bin/env bash
# Compares the top rate of Handoff's load generator with wrk's, against the same target on this machine:
# the test app directly, then the test app behind the lab's HAProxy configuration. Both clients run
# closed-loop over the same number of keep-alive connections for the same time; the result is a ratio from
# one run on one machine (machines are noisy: compare the ratio, not the absolute numbers).
# Usage: bench/loadgen/run.sh [CONNECTIONS=64] [SECONDS=10]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
connections=${1:-64}
seconds=${2:-10}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v wrk >/dev/null || { echo "wrk is missing: bash eng/install-prereqs.sh" >&2; exit 1; }
dotnet build tests/apps/Handoff.Rollout.TestApp -c Release -nologo -v:q >/dev/null
dotnet build bench/loadgen/Handoff.LoadGenBench -c Release -nologo -v:q >/dev/null
app_dll=tests/apps/Handoff.Rollout.TestApp/bin/Release/net10.0/Handoff.Rollout.TestApp.dll
gen_dll=bench/loadgen/Handoff.LoadGenBench/bin/Release/net10.0/Handoff.LoadGenBench.dll

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; exit 1; }

app_port=$(free_port)
HANDOFF_POD_NAME=bench dotnet "$app_dll" --urls "http://127.0.0.1:$app_port" >/dev/null 2>&1 & pids+=($!)
wait_port "$app_port"

lb_port=$(free_port)
cat > "$work/haproxy.cfg" <<CFG
global
  maxconn 4096
  nbthread 1
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 0
  no option redispatch
frontend lab
  bind 127.0.0.1:$lb_port
  default_backend pods
backend pods
  balance roundrobin
  http-reuse safe
  http-after-response set-header X-Backend %s
  server bench 127.0.0.1:$app_port
CFG
haproxy -f "$work/haproxy.cfg" -db >/dev/null 2>&1 & pids+=($!)
wait_port "$lb_port"

echo "cores: $(nproc); connections: $connections; seconds: $seconds; $(haproxy -v | head -1)"
printf '%-22s %12s %12s %8s\n' target wrk handoff ratio
for target in "app http://127.0.0.1:$app_port/" "haproxy+app http://127.0.0.1:$lb_port/"; do
  name=${target%% *}; url=${target#* }
  wrk -t2 -c"$connections" -d2s "$url" >/dev/null   # warm-up, as the generator does
  wrk_rps=$(wrk -t2 -c"$connections" -d"${seconds}s" "$url" | awk '/Requests\/sec/ {printf "%d", $2}')
  gen_rps=$(dotnet "$gen_dll" "$url" "$connections" "$seconds" | awk '{print $2}')
  ratio=$(python3 -c "print(f'{$gen_rps / $wrk_rps:.2f}')")
  printf '%-22s %12s %12s %8s\n' "$name" "$wrk_rps" "$gen_rps" "$ratio"
done
