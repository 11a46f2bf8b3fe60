#!/usr/bin/env bash
# Step 1 of action.yml: installs the dotnet tool Handoff.Tool into $RUNNER_TEMP/handoff-tool and puts it on the job's
# PATH ($GITHUB_PATH), as GitHub runs composite steps. Inputs (environment): INPUT_VERSION (empty: the newest),
# INPUT_PACKAGE_SOURCE (optional extra NuGet source, e.g. a folder holding Handoff.Tool.<version>.nupkg).
set -euo pipefail
tool_dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/handoff-tool"
args=(tool install --tool-path "$tool_dir" Handoff.Tool)
if [ -n "${INPUT_VERSION:-}" ]; then args+=(--version "$INPUT_VERSION"); fi
if [ -n "${INPUT_PACKAGE_SOURCE:-}" ]; then args+=(--add-source "$INPUT_PACKAGE_SOURCE"); fi
if [ -x "$tool_dir/handoff" ]; then
  echo "handoff: already installed in $tool_dir"
else
  dotnet "${args[@]}"
fi
echo "$tool_dir" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
echo "version=$("$tool_dir/handoff" --version)" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
