#!/usr/bin/env bash
# Validate keyward's SARIF with Microsoft's SARIF multitool and GitHub's
# ingestion rules (`--rule-kind "Sarif;Gh"`), and prove the check can fail.
#
# Traps handled: the multitool exits 0 even when it reports errors, so its
# output log is read; it skips inputs not named *.sarif; and the npm wrapper
# splits "Sarif;Gh" through a shell, so the native binary is called.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
keyward="${KEYWARD:-$here/../../target/release/keyward}"
tools="${KEYWARD_CI_TOOLS:-$HOME/.cache/keyward-ci}"
mt="$tools/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$mt" ]; then
  mkdir -p "$tools/npm"
  npm install --silent --no-audit --no-fund --prefix "$tools/npm" \
    @microsoft/sarif-multitool@5.7.0 @microsoft/sarif-multitool-linux@5.7.0 >/dev/null
  chmod u+x "$mt"
fi
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

# validate FILE: prints the errors and warnings, fails on any error.
validate() {
  local dir; dir="$(mktemp -d)"
  cp "$1" "$dir/input.sarif"
  "$mt" validate "$dir/input.sarif" --rule-kind "Sarif;Gh" --level "Error;Warning" \
    -o "$dir/out.sarif" --log ForceOverwrite >"$dir/log" 2>&1 || true
  if [ ! -s "$dir/out.sarif" ]; then
    echo "multitool did not run:"; cat "$dir/log"; return 2
  fi
  python3 - "$dir/out.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
errors = 0
for run in log.get("runs", []):
    for inv in run.get("invocations", []):
        if inv.get("executionSuccessful") is False:
            print("  ERROR: the multitool's run failed"); errors += 1
    for r in run.get("results", []):
        level = r.get("level", "warning")
        msg = r.get("message", {})
        text = msg.get("text") or msg.get("id", "") + " " + " ".join(map(str, msg.get("arguments", [])))
        print(f"  {level.upper()} {r.get('ruleId')}: {text}")
        errors += level == "error"
print(f"  {errors} error(s)")
sys.exit(1 if errors else 0)
PY
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree/src" "$work/tree/tests"
# Keys are generated here, never committed.
python3 - "$work/tree" <<'PY'
import secrets, string, sys
root = sys.argv[1]
alnum = string.ascii_letters + string.digits
url = alnum + "-_"
body = lambda n, a: "".join(secrets.choice(a) for _ in range(n))
api = "sk-ant-" + "api03-" + body(93, url) + "AA"
rep = "r8" + "_" + body(37, alnum)
open(f"{root}/.env", "w").write(f"ANTHROPIC_API_KEY={api}\n")
open(f"{root}/src/app.py", "w").write(f"TOKEN = '{rep}'\n")
open(f"{root}/tests/fixture.py", "w").write(f"T = '{rep}'  # keyward:allow\n")
PY
git -C "$work/tree" init -q
status=0
"$keyward" scan "$work/tree" --format sarif -o "$work/findings.sarif" -q || [ $? = 1 ]
echo "$work/tree" > /dev/null
"$keyward" scan "$work/tree/src/app.py" --no-config --format sarif -q -o "$work/one.sarif" || [ $? = 1 ]
mkdir -p "$work/empty"
"$keyward" scan "$work/empty" --format sarif -o "$work/empty.sarif" -q
for f in findings one empty; do
  echo "multitool: $f.sarif"
  validate "$work/$f.sarif" || status=1
done

# The check must be able to fail: a ruleIndex out of range (SARIF1009).
python3 - "$work/findings.sarif" "$work/broken.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
log["runs"][0]["results"][0]["ruleIndex"] = 999
json.dump(log, open(sys.argv[2], "w"))
PY
echo "multitool: broken.sarif (must be rejected)"
if validate "$work/broken.sarif"; then
  echo "FAIL: the multitool accepted a broken SARIF file"; status=1
fi
if [ $status = 0 ]; then echo "sarif-multitool: 4 passed, 0 failed"; else echo "sarif-multitool: FAILED"; fi
exit $status
