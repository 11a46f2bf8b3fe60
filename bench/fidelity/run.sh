#!/usr/bin/env bash
# The fidelity suite: does the timing model agree with the lab? For every configuration in configs.tsv it writes a
# manifest (3 replicas of the test app, a Service), runs the real CLI -
#   handoff lab      MANIFEST --propagation P --rps R --format json      (what happens: lost or not, failures per pod)
#   handoff check    MANIFEST --propagation P --drain D --format json    (the verdict: exit 0 safe, 1 unsafe)
#   handoff explain  MANIFEST --propagation P --drain D --service-rps R --pod-start-seconds X --format json
# - and compares check's verdict with the lab's outcome and explain's expected failed requests with the lab's count.
# X is the median time from creation to ready of the lab's new pods in that run (a user would measure or know it;
# on a loaded shared machine it is 3-5 s, not explain's default of 10 s). D is what the app needs for its longest
# request and its exit (the test app answers '/' at once and exits 0.15-0.3 s after SIGTERM; '/slow?ms=3000' takes 3 s).
# Not a unit test and not in CI: it takes about 40 s per configuration. Results: a Markdown table on stdout and
# results.json in the output folder.
# Usage: [SKIP_BUILD=1] [MODEL_ONLY=1] bench/fidelity/run.sh [OUT_DIR=artifacts/fidelity] [NAME_FILTER=.] (a regex on the config names)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=${1:-artifacts/fidelity}
filter=${2:-.}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NO_COLOR=1
mkdir -p "$out"

if [[ -z ${SKIP_BUILD:-} ]]; then   # SKIP_BUILD=1: use what is built
  dotnet build tests/apps/Handoff.Rollout.TestApp -c Release -nologo -v:q >/dev/null
  dotnet build src/Handoff.Cli -c Release -nologo -v:q >/dev/null
fi
# The CLI runs from a copy, so that a build during the run (the machine is shared) cannot change it halfway.
rm -rf "$out/cli" && cp -r src/Handoff.Cli/bin/Release/net10.0 "$out/cli"
handoff=(dotnet "$out/cli/handoff.dll")
app="dotnet $root/tests/apps/Handoff.Rollout.TestApp/bin/Release/net10.0/Handoff.Rollout.TestApp.dll --urls http://127.0.0.1:{port}"

# manifest NAME PRESTOP GRACE STRATEGY SURGE UNAVAILABLE EXTRA > file
manifest() {
  local name=$1 prestop=$2 grace=$3 strategy=$4 surge=$5 unavailable=$6 extra=$7 delay=""
  [[ $extra =~ delay=([0-9]+) ]] && delay=${BASH_REMATCH[1]}
  cat <<YAML
# fidelity config '$name' (bench/fidelity/configs.tsv)
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
YAML
  if [[ $strategy == C ]]; then
    printf '  strategy:\n    type: Recreate\n'
  else
    printf '  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: %s\n      maxUnavailable: %s\n' "$surge" "$unavailable"
  fi
  printf '  template:\n    metadata:\n      labels:\n        app: web\n'
  [[ -n $delay ]] && printf '      annotations:\n        handoff.dev/shutdown-delay-seconds: "%s"\n' "$delay"
  printf '    spec:\n      terminationGracePeriodSeconds: %s\n      containers:\n        - name: web\n          image: ghcr.io/handoff-dev/test-app:1.0\n' "$grace"
  printf '          ports:\n            - name: http\n              containerPort: 8080\n'
  [[ -n $delay ]] && printf '          env:\n            - name: TESTAPP_STOP_DELAY_SECONDS\n              value: "%s"\n' "$delay"
  case $prestop in
    -) ;;
    exec:*) printf '          lifecycle:\n            preStop:\n              exec:\n                command: [sleep, "%s"]\n' "${prestop#exec:}" ;;
    *) printf '          lifecycle:\n            preStop:\n              sleep:\n                seconds: %s\n' "$prestop" ;;
  esac
  printf '          readinessProbe:\n            httpGet:\n              path: /healthz/ready\n              port: http\n            periodSeconds: 1\n'
}

[[ -z ${MODEL_ONLY:-} ]] && echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start, $(date -u '+%Y-%m-%d %H:%M UTC')" | tee "$out/machine.txt"
grep -v '^#' bench/fidelity/configs.tsv | while IFS=$'\t' read -r name prestop grace strategy surge unavailable propagation path drain rps extra; do
  [[ -z $name || ! $name =~ $filter ]] && continue
  dir="$out/$name"; mkdir -p "$dir"
  manifest "$name" "$prestop" "$grace" "$strategy" "$surge" "$unavailable" "$extra" > "$dir/manifest.yaml"
  lab_args=(--app "$app" --propagation "$propagation" --rps "$rps" --path "$path" --format json --report "$dir/report")
  [[ $extra =~ seed=([0-9]+) ]] && lab_args+=(--seed "${BASH_REMATCH[1]}")
  [[ $extra =~ conn=([0-9]+) ]] && lab_args+=(--connections "${BASH_REMATCH[1]}")
  set +e
  if [[ -z ${MODEL_ONLY:-} ]]; then   # MODEL_ONLY=1: keep the lab's results, run check and explain again
    echo "== $name: lab (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "${handoff[@]}" lab "$dir/manifest.yaml" "${lab_args[@]}" < /dev/null > "$dir/lab.json" 2> "$dir/lab.err"; echo $? > "$dir/lab.rc"
  fi
  "${handoff[@]}" check "$dir/manifest.yaml" --propagation "$propagation" --drain "${drain}s" --format json < /dev/null > "$dir/check.json" 2> "$dir/check.err"; echo $? > "$dir/check.rc"
  set -e
  start=$(python3 bench/fidelity/compare.py pod-start "$dir/lab.json")
  "${handoff[@]}" explain "$dir/manifest.yaml" --propagation "$propagation" --drain "${drain}s" --service-rps "$rps" --pod-start-seconds "$start" --format json < /dev/null > "$dir/explain.json"
  echo "$name	$propagation	$rps	$start" > "$dir/config.tsv"
done
[[ -z ${MODEL_ONLY:-} ]] && echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" | tee -a "$out/machine.txt"
python3 bench/fidelity/compare.py table "$out"
