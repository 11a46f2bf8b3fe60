#!/usr/bin/env bash
# Start-up and whole-process time of the handoff command, in one run (ratios only compare numbers of the same run):
#   1. an AOT "hello world" (the floor of starting any native .NET process on this machine),
#   2. 'handoff check' of one small file: the Native AOT binary and a ReadyToRun build,
#   3. 'check --format text' against '--format json' on a generated 10,000-resource file (Corpus.cs), AOT binary.
# Medians of N runs, interleaved so machine noise hits every command alike.
# Goals (issue 17): small-file check within 3x the AOT hello world; text within 1.2x JSON on the large file.
# Usage: bench/startup/run.sh [runs=20] [large-runs=5]. Uses artifacts/bin/handoff when eng/publish.sh built it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:-20}
large_runs=${2:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

aot="$root/artifacts/bin/handoff"
if [ ! -x "$aot" ]; then
  echo "publishing the Native AOT binary (eng/publish.sh)..."
  bash "$root/eng/publish.sh" >/dev/null
fi
echo "publishing ReadyToRun build and the AOT hello world..."
dotnet publish "$root/src/Handoff.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/r2r" -nologo -v:q >/dev/null
mkdir -p "$out/hello-src"
cat > "$out/hello-src/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><InvariantGlobalization>true</InvariantGlobalization>
  <PublishAot>true</PublishAot><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
</Project>
XML
echo 'System.Console.WriteLine("hello");' > "$out/hello-src/Program.cs"
# Built outside the repository so its props do not apply.
dotnet publish "$out/hello-src" -c Release -r linux-x64 -o "$out/hello" -nologo -v:q >/dev/null
echo "generating the 10,000-resource corpus (bench/Handoff.Benchmarks/Corpus.cs)..."
dotnet run -c Release --project "$root/bench/Handoff.Benchmarks" -- corpus 10000 "$out/large.yaml" >/dev/null

small="$root/samples/deploy/recommended.yaml"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p90() { sort -n "$1" | awk '{a[NR]=$1} END {i=int(NR*0.9); if (i<1) i=1; print a[i]}'; }
"$aot" check "$small" >/dev/null || true; "$out/r2r/handoff" check "$small" >/dev/null || true   # warm the file cache
for f in hello aot r2r text json; do : > "$out/$f.txt"; done
for _ in $(seq "$runs"); do
  ms "$out/hello/hello" >> "$out/hello.txt"
  ms "$aot" check "$small" >> "$out/aot.txt"
  ms "$out/r2r/handoff" check "$small" >> "$out/r2r.txt"
done
# Redirected to a file, as in CI; both formats go through the same analysis.
for _ in $(seq "$large_runs"); do
  ms sh -c "'$aot' check '$out/large.yaml' --format text > '$out/large.text'"  >> "$out/text.txt"
  ms sh -c "'$aot' check '$out/large.yaml' --format json > '$out/large.json'" >> "$out/json.txt"
done

h=$(median "$out/hello.txt"); a=$(median "$out/aot.txt"); r=$(median "$out/r2r.txt"); t=$(median "$out/text.txt"); j=$(median "$out/json.txt")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); runs: $runs small, $large_runs large"
echo "hello world (AOT):                      median ${h} ms, p90 $(p90 "$out/hello.txt") ms"
echo "handoff check, 1 small file (AOT):      median ${a} ms, p90 $(p90 "$out/aot.txt") ms"
echo "handoff check, 1 small file (R2R):      median ${r} ms, p90 $(p90 "$out/r2r.txt") ms"
echo "handoff check, 10,000 resources, text:  median ${t} ms ($(wc -c < "$out/large.text") bytes)"
echo "handoff check, 10,000 resources, json:  median ${j} ms ($(wc -c < "$out/large.json") bytes)"
awk -v a="$a" -v h="$h" -v r="$r" -v t="$t" -v j="$j" 'BEGIN {
  printf "ratio AOT check/hello: %.2f (goal <= 3)\n", a / h
  printf "ratio R2R check/hello: %.2f\n", r / h
  printf "ratio text/json:       %.2f (goal <= 1.2)\n", t / j }'
