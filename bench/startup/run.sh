#!/usr/bin/env bash
# Wall time of 'handoff check' on one small file from a ReadyToRun-published build, next to a ReadyToRun
# "hello world" published the same way (the floor of starting any .NET app on this machine). Reports the
# median of N runs of each, interleaved so machine noise hits both alike, and their ratio.
# Usage: bench/startup/run.sh [runs=30]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:-30}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "publishing ReadyToRun builds (linux-x64, framework-dependent)..."
dotnet publish "$root/src/Handoff.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/handoff" -nologo -v:q >/dev/null
mkdir -p "$out/hello-src"
cat > "$out/hello-src/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><InvariantGlobalization>true</InvariantGlobalization>
  <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
</Project>
XML
echo 'System.Console.WriteLine("hello");' > "$out/hello-src/Program.cs"
# Build the floor outside the repo so the repository's props do not apply.
dotnet publish "$out/hello-src" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/hello" -nologo -v:q >/dev/null

sample="$root/samples/deploy/recommended.yaml"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
"$out/handoff/handoff" check "$sample" >/dev/null || true   # warm the file cache
: > "$out/h.txt"; : > "$out/c.txt"
for _ in $(seq "$runs"); do
  ms "$out/hello/hello" >> "$out/h.txt"
  ms "$out/handoff/handoff" check "$sample" >> "$out/c.txt"
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p90() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int(NR*0.9)]}'; }
h=$(median "$out/h.txt"); c=$(median "$out/c.txt")
echo "runs: $runs"
echo "hello world (R2R):         median ${h} ms, p90 $(p90 "$out/h.txt") ms"
echo "handoff check (R2R, 1 file): median ${c} ms, p90 $(p90 "$out/c.txt") ms"
awk -v c="$c" -v h="$h" 'BEGIN { printf "ratio check/hello: %.2f\n", c / h }'
