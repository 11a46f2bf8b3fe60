#!/usr/bin/env bash
# Installs what the tests need from Debian's packages: HAProxy (the lab's load balancer), Chromium (the
# report test renders the HTML timeline), socat and wrk (benchmarks); and, from npm, Microsoft's SARIF Multitool
# (a test validates 'check --format sarif' against the SARIF schema and GitHub's ingestion rules) and @bufbuild/cel
# (the admission policy tests evaluate 'handoff policy' with it). Safe to run
# again: it installs only what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The SARIF Multitool, pinned; unpacked under artifacts/tools (ignored by git).
sarif_version=5.7.0
sarif_dir="$root/artifacts/tools/sarif-multitool-$sarif_version"
if [ ! -x "$sarif_dir/Sarif.Multitool" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "prerequisites: fetching @microsoft/sarif-multitool-linux@$sarif_version from npm"
    tmp=$(mktemp -d)
    if (cd "$tmp" && npm pack --silent "@microsoft/sarif-multitool-linux@$sarif_version" >/dev/null 2>&1) \
       && mkdir -p "$sarif_dir" && tar xzf "$tmp"/*.tgz -C "$sarif_dir" --strip-components=1; then
      chmod +x "$sarif_dir/Sarif.Multitool"
    else
      echo "prerequisites: could not fetch the SARIF Multitool; the SARIF validation test will say so." >&2
    fi
    rm -rf "$tmp"
  else
    echo "prerequisites: npm is missing, so the SARIF Multitool is not installed; the SARIF validation test will say so." >&2
  fi
fi

# @bufbuild/cel, the CEL implementation the admission policy tests run ('handoff policy'), pinned by
# tests/policy-eval/package-lock.json into tests/policy-eval/node_modules (ignored by git).
if [ ! -f "$root/tests/policy-eval/node_modules/@bufbuild/cel/package.json" ]; then
  if command -v npm >/dev/null 2>&1 && (cd "$root/tests/policy-eval" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1); then
    echo "prerequisites: installed @bufbuild/cel in tests/policy-eval"
  else
    echo "prerequisites: could not install @bufbuild/cel (npm ci in tests/policy-eval); the policy tests will say so." >&2
  fi
fi

need=()
command -v haproxy  >/dev/null 2>&1 || need+=(haproxy)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v socat    >/dev/null 2>&1 || need+=(socat)
command -v wrk      >/dev/null 2>&1 || need+=(wrk)
command -v kubectl  >/dev/null 2>&1 || need+=(kubectl)

if [ ${#need[@]} -eq 0 ]; then
  echo "prerequisites: all present (haproxy, chromium, socat, wrk, kubectl)"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "prerequisites: missing ${need[*]} and not root; install them with apt-get and run again." >&2
    exit 1
  fi
fi

echo "prerequisites: installing ${need[*]}"
$sudo apt-get update -qq
# kubectl is not in every Debian release; install the rest even when it is missing.
for pkg in "${need[@]}"; do
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; then
    echo "prerequisites: could not install '$pkg'; tests that need it will say so." >&2
  fi
done
