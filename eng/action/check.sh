#!/usr/bin/env bash
# Step 2 of action.yml: runs 'handoff check' in $GITHUB_WORKSPACE, writes SARIF to INPUT_SARIF_FILE (for code scanning)
# and prints the text report to the log. Inputs (environment): INPUT_PATHS (space-separated, default '.'),
# INPUT_PROFILE, INPUT_FAIL_ON (default error), INPUT_SARIF_FILE (default handoff.sarif), INPUT_ARGS (extra
# arguments). Outputs: sarif-file, exit-code. Exits with check's code: 0 clean, 1 findings at or above
# --fail-on, 2 usage or unreadable input.
set -uo pipefail
cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}" || exit 2
sarif="${INPUT_SARIF_FILE:-handoff.sarif}"
read -r -a paths <<< "${INPUT_PATHS:-.}"
read -r -a extra <<< "${INPUT_ARGS:-}"
args=(check "${paths[@]}" --fail-on "${INPUT_FAIL_ON:-error}" "${extra[@]}")
if [ -n "${INPUT_PROFILE:-}" ]; then args+=(--profile "$INPUT_PROFILE"); fi

handoff "${args[@]}" --format sarif > "$sarif"
rc=$?
# The same run as text, for the job log; its exit code is the one above.
handoff "${args[@]}" --format text || true
{ echo "sarif-file=$sarif"; echo "exit-code=$rc"; } >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
exit $rc
