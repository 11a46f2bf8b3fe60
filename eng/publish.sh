#!/usr/bin/env bash
# Builds what users install:
#   artifacts/bin/handoff                      Native AOT executable, linux-x64, no .NET needed to run it
#   artifacts/bin/kubectl-handoff              the same executable; kubectl runs it as 'kubectl handoff'
#   artifacts/packages/Handoff.Tool.V.nupkg    dotnet tool, command 'handoff' (framework-dependent)
#   artifacts/packages/Handoff.AspNetCore.V.nupkg (+ .snupkg symbols)  the library
#   artifacts/bin/kubectl-handoff-linux-amd64.tar.gz and artifacts/krew/handoff.yaml  for krew
# V is the one <Version> in Directory.Build.props. Usage: eng/publish.sh [--no-build] (pack what 'dotnet build -c
# Release' already built; the native binary is always compiled).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
pack_args=()
[ "${1:-}" = "--no-build" ] && pack_args+=(--no-build)

bin="$root/artifacts/bin"; packages="$root/artifacts/packages"; aot="$root/artifacts/publish/handoff-linux-x64"
rm -rf "$bin" "$packages" "$aot" "$root/artifacts/krew"
mkdir -p "$bin" "$packages"

start=$(date +%s)
echo "publish: Native AOT (linux-x64)"
dotnet publish src/Handoff.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$aot" -nologo -v:q
cp "$aot/handoff" "$bin/handoff"
# A copy, not a symlink: kubectl and krew find plugins by file name on PATH, and the binary reads its own name
# (argv[0]) to print 'kubectl handoff' in its usage lines.
cp "$aot/handoff" "$bin/kubectl-handoff"
echo "publish: native binary in $(( $(date +%s) - start )) s, $(stat -c %s "$bin/handoff") bytes"

echo "pack: Handoff.Tool, Handoff.AspNetCore, Handoff.AspNetCore.Grpc"
dotnet pack src/Handoff.Cli -c Release -o "$packages" -nologo -v:q "${pack_args[@]}"
dotnet pack src/Handoff.AspNetCore -c Release -o "$packages" -nologo -v:q "${pack_args[@]}"
dotnet pack src/Handoff.AspNetCore.Grpc -c Release -o "$packages" -nologo -v:q "${pack_args[@]}"

version=$("$bin/handoff" --version)
for expected in "$packages/Handoff.Tool.$version.nupkg" "$packages/Handoff.AspNetCore.$version.nupkg" "$packages/Handoff.AspNetCore.$version.snupkg" "$packages/Handoff.AspNetCore.Grpc.$version.nupkg"; do
  if [ ! -f "$expected" ]; then
    echo "publish: $expected is missing (the binary says version $version)" >&2
    exit 1
  fi
done
# The kubectl plugin as krew wants it: an archive and a manifest naming its SHA256 (deploy/krew/handoff.yaml).
archive="$bin/kubectl-handoff-linux-amd64.tar.gz"
tar -czf "$archive" -C "$bin" kubectl-handoff
sha=$(sha256sum "$archive" | cut -d' ' -f1)
mkdir -p "$root/artifacts/krew"
sed -e "s/\${VERSION}/$version/g" -e "s/\${SHA256}/$sha/g" deploy/krew/handoff.yaml > "$root/artifacts/krew/handoff.yaml"
echo "publish: version $version in $(( $(date +%s) - start )) s"
ls -l "$bin" "$packages"
